package dev.detkit.data;

import dev.detkit.api.Warnings;
import dev.detkit.api.registry.Component;
import dev.detkit.api.registry.ComponentKind;
import dev.detkit.api.registry.Default;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Map;
import org.opencv.core.CvException;
import org.opencv.core.Mat;
import org.opencv.core.MatOfByte;
import org.opencv.imgcodecs.Imgcodecs;

/**
 * mmcv's {@code LoadImageFromFile}: file bytes decoded by OpenCV ({@code cv2.imdecode} with
 * IMREAD_COLOR, which applies EXIF orientation) to BGR uint8.
 */
@Component(
    kind = ComponentKind.TRANSFORM,
    name = "LoadImageFromFile",
    summary = "decode an image file to BGR uint8 (OpenCV, EXIF orientation applied)")
public final class LoadImageFromFile implements Transform {

  /**
   * mmcv's arguments; only the cv2 backend and colour decoding are supported.
   *
   * @param toFloat32 whether to convert the loaded image to a float32 array; only false (uint8),
   *     detkit refuses true
   * @param colorType the flag of cv2.imdecode; only color (3-channel BGR), detkit refuses other
   *     values
   * @param imdecodeBackend the image decoding backend; only cv2, detkit refuses other values
   * @param fileClientArgs mmcv's deprecated file client arguments; detkit reads local files only
   *     and ignores them
   * @param ignoreEmpty whether to allow loading an empty or missing image file (mmcv returns
   *     nothing instead of failing); detkit ignores it and always reports a file it cannot read
   * @param backendArgs arguments of the file backend (e.g. petrel); detkit reads local files only
   *     and ignores them
   */
  public record Args(
      @Default("false") boolean toFloat32,
      @Default("color") String colorType,
      @Default("cv2") String imdecodeBackend,
      @Default("null") Map<String, Object> fileClientArgs,
      @Default("false") boolean ignoreEmpty,
      @Default("null") Map<String, Object> backendArgs) {
    public Args {
      if (!colorType.equals("color")) {
        throw new IllegalArgumentException(
            "color_type '" + colorType + "' is not supported (use color)");
      }
      if (!imdecodeBackend.equals("cv2")) {
        throw new IllegalArgumentException(
            "imdecode_backend '" + imdecodeBackend + "' is not supported (use cv2)");
      }
      if (toFloat32) {
        throw new IllegalArgumentException("to_float32 is not supported");
      }
    }
  }

  public LoadImageFromFile(Args args) {
    OpenCv.load();
  }

  /**
   * Files larger than this are refused before they are read: no image a detector can take comes
   * near it, and a multi-gigabyte file would otherwise exhaust the heap.
   */
  static final long MAX_FILE_BYTES = 1L << 30;

  /** Decodes an image file to BGR uint8, or fails naming the file. */
  public static Mat decode(Path file) {
    OpenCv.load();
    byte[] bytes;
    try {
      if (Files.isRegularFile(file)) {
        long size = Files.size(file);
        if (size > MAX_FILE_BYTES) {
          throw new ImageLoadException(
              file + ": " + size + " bytes; image files above " + MAX_FILE_BYTES + " are refused");
        }
      }
      // Bounded also for what is not a regular file (a pipe, a device), whose size is unknown.
      try (java.io.InputStream in = Files.newInputStream(file)) {
        bytes = in.readNBytes((int) MAX_FILE_BYTES + 1);
      }
      if (bytes.length > MAX_FILE_BYTES) {
        throw new ImageLoadException(
            file + ": more than " + MAX_FILE_BYTES + " bytes; image files that large are refused");
      }
      if (bytes.length == 0) {
        throw new ImageLoadException(file + ": empty file (0 bytes), not an image");
      }
    } catch (NoSuchFileException e) {
      throw new ImageLoadException(file + ": image file not found", e);
    } catch (IOException e) {
      throw new ImageLoadException(file + ": cannot read image: " + e.getMessage(), e);
    }
    Mat img;
    try {
      img = Imgcodecs.imdecode(new MatOfByte(bytes), Imgcodecs.IMREAD_COLOR);
    } catch (CvException e) {
      throw new ImageLoadException(
          file
              + ": not a decodable image (OpenCV: "
              + e.getMessage().lines().findFirst().orElse("")
              + ")",
          e);
    }
    if (img.empty()) {
      throw new ImageLoadException(
          file + ": not a decodable image (corrupt, or not an image format OpenCV reads)");
    }
    if (isTruncatedJpeg(bytes)) {
      // OpenCV decodes what is there and fills the rest grey, as cv2.imdecode does; say so.
      Warnings.warn(
          file + ": truncated JPEG (no end-of-image marker): the missing part decodes as grey");
    }
    return img;
  }

  /** A JPEG (SOI marker first) without its EOI marker near the end. */
  static boolean isTruncatedJpeg(byte[] b) {
    if (b.length < 4 || (b[0] & 0xff) != 0xFF || (b[1] & 0xff) != 0xD8) {
      return false;
    }
    // Some writers pad after EOI; look for it within the last few bytes.
    for (int i = b.length - 2; i >= Math.max(2, b.length - 64); i--) {
      if ((b[i] & 0xff) == 0xFF && (b[i + 1] & 0xff) == 0xD9) {
        return false;
      }
    }
    return true;
  }

  @Override
  public Results apply(Results r) {
    r.img = decode(Path.of(r.imgPath));
    r.oriShape = new int[] {r.img.rows(), r.img.cols()};
    r.imgShape = r.oriShape.clone();
    return r;
  }
}
