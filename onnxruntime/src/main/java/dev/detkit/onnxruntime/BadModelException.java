package dev.detkit.onnxruntime;

/** An ONNX file that cannot serve as a detkit model: unreadable, foreign, or the wrong shape. */
public final class BadModelException extends IllegalArgumentException {
  public BadModelException(String message) {
    super(message);
  }
}
