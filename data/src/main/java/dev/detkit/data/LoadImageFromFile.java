package dev.detkit.data;

import dev.detkit.api.registry.Default;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import org.opencv.core.Mat;
import org.opencv.core.MatOfByte;
import org.opencv.imgcodecs.Imgcodecs;

/**
 * mmcv's {@code LoadImageFromFile}: file bytes decoded by OpenCV ({@code cv2.imdecode} with
 * IMREAD_COLOR, which applies EXIF orientation) to BGR uint8.
 */
public final class LoadImageFromFile implements Transform {

  /** mmcv's arguments; only the cv2 backend and colour decoding are supported. */
  public record Args(
      @Default("false") boolean toFloat32,
      @Default("color") String colorType,
      @Default("cv2") String imdecodeBackend,
      @Default("null") Object fileClientArgs,
      @Default("false") boolean ignoreEmpty,
      @Default("null") Object backendArgs) {
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

  /** Decodes an image file to BGR uint8, or fails naming the file. */
  public static Mat decode(Path file) {
    OpenCv.load();
    byte[] bytes;
    try {
      bytes = Files.readAllBytes(file);
    } catch (NoSuchFileException e) {
      throw new ImageLoadException(file + ": image file not found", e);
    } catch (IOException e) {
      throw new ImageLoadException(file + ": cannot read image: " + e.getMessage(), e);
    }
    Mat img = Imgcodecs.imdecode(new MatOfByte(bytes), Imgcodecs.IMREAD_COLOR);
    if (img.empty()) {
      throw new ImageLoadException(
          file + ": not a decodable image (corrupt, or not an image format OpenCV reads)");
    }
    return img;
  }

  @Override
  public Results apply(Results r) {
    r.img = decode(Path.of(r.imgPath));
    r.oriShape = new int[] {r.img.rows(), r.img.cols()};
    r.imgShape = r.oriShape.clone();
    return r;
  }
}
