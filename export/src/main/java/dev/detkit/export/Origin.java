package dev.detkit.export;

/** The model code that issued a tensor operation: the first frame outside the tensor API. */
final class Origin {
  private Origin() {}

  static String here() {
    return StackWalker.getInstance()
        .walk(
            frames ->
                frames
                    .filter(f -> !skipped(f.getClassName()))
                    .findFirst()
                    .map(
                        f ->
                            f.getClassName()
                                + "."
                                + f.getMethodName()
                                + " ("
                                + f.getFileName()
                                + ":"
                                + f.getLineNumber()
                                + ")")
                    .orElse("unknown"));
  }

  private static boolean skipped(String cls) {
    return cls.startsWith("dev.detkit.api.tensor.")
        || cls.equals(RecordingKernels.class.getName())
        || cls.equals(RecordingBackend.class.getName())
        || cls.equals(Origin.class.getName())
        || cls.startsWith("java.")
        || cls.startsWith("jdk.");
  }
}
