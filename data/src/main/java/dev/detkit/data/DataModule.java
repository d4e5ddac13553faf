package dev.detkit.data;

import dev.detkit.api.registry.ComponentKind;
import dev.detkit.api.registry.ComponentSpec;
import dev.detkit.api.registry.DetkitModule;

/** Registers the data transforms. */
public final class DataModule extends DetkitModule {
  @Override
  protected void configureComponents() {
    register(
        ComponentSpec.of(
            ComponentKind.TRANSFORM,
            "LoadImageFromFile",
            LoadImageFromFile.Args.class,
            Transform.class,
            (a, c) -> new LoadImageFromFile(a),
            "decode an image file to BGR uint8 (OpenCV, EXIF orientation applied)"));
    register(
        ComponentSpec.of(
            ComponentKind.TRANSFORM,
            "Resize",
            Resize.Args.class,
            Transform.class,
            (a, c) -> new Resize(a),
            "resize to a scale, keeping the ratio or not (mmcv rounding, bilinear)"));
    register(
        ComponentSpec.of(
            ComponentKind.TRANSFORM,
            "RandomResize",
            RandomResize.Args.class,
            Transform.class,
            (a, c) -> new RandomResize(a),
            "resize to a randomly scaled or chosen scale (ratio_range)"));
    register(
        ComponentSpec.of(
            ComponentKind.TRANSFORM,
            "RandomCrop",
            RandomCrop.Args.class,
            Transform.class,
            (a, c) -> new RandomCrop(a),
            "crop a random window; boxes outside are dropped, empty crops retried"));
    register(
        ComponentSpec.of(
            ComponentKind.TRANSFORM,
            "RandomFlip",
            RandomFlip.Args.class,
            Transform.class,
            (a, c) -> new RandomFlip(a),
            "horizontal flip with probability prob"));
    register(
        ComponentSpec.of(
            ComponentKind.TRANSFORM,
            "Pad",
            Pad.Args.class,
            Transform.class,
            (a, c) -> new Pad(a),
            "pad bottom/right to a size, a divisor or a square"));
    register(
        ComponentSpec.of(
            ComponentKind.TRANSFORM,
            "LoadAnnotations",
            LoadAnnotations.Args.class,
            Transform.class,
            (a, c) -> new LoadAnnotations(a),
            "ground-truth boxes (provided by the dataset)"));
    register(
        ComponentSpec.of(
            ComponentKind.TRANSFORM,
            "PackDetInputs",
            PackDetInputs.Args.class,
            Transform.class,
            (a, c) -> new PackDetInputs(a),
            "pack the image and its meta"));
    register(
        ComponentSpec.of(
            ComponentKind.DATASET,
            "CocoDataset",
            CocoDataset.Args.class,
            CocoDataset.class,
            (a, c) -> CocoDataset.load(a),
            "COCO annotations: images, boxes, category-to-label mapping as mmdet"));
  }
}
