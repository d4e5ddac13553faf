package dev.detkit.api.structures;

/** A decoded image on the host: HWC bytes, BGR channel order as OpenCV decodes. */
public record ImageData(byte[] pixels, int height, int width, int channels) {
  public ImageData {
    if ((long) height * width * channels != pixels.length) {
      throw new IllegalArgumentException(
          "image "
              + height
              + "x"
              + width
              + "x"
              + channels
              + " needs "
              + (long) height * width * channels
              + " bytes, has "
              + pixels.length);
    }
  }
}
