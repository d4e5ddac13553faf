package dev.detkit.export;

/** The model did something the ONNX graph cannot express; the message names op and component. */
public final class ExportException extends UnsupportedOperationException {
  public ExportException(String message) {
    super(message);
  }
}
