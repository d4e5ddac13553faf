package dev.detkit.tools;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Checks of output locations, made before any model is built or image run, so that a typo in {@code
 * --out} fails in a second instead of after the whole run.
 */
final class OutputPaths {
  private OutputPaths() {}

  /** {@code file} can be created or replaced: not a folder, in an existing, writable folder. */
  static void checkFile(Path file, String option) {
    if (file == null) {
      return;
    }
    if (Files.isDirectory(file)) {
      throw new UserError(option + " " + file + ": is a folder; expected a file name");
    }
    Path parent = file.toAbsolutePath().getParent();
    if (parent == null || !Files.isDirectory(parent)) {
      throw new UserError(option + " " + file + ": folder " + parent + " does not exist");
    }
    if (!Files.isWritable(parent) || (Files.exists(file) && !Files.isWritable(file))) {
      throw new UserError(option + " " + file + ": not writable");
    }
  }

  /** {@code dir} is (or is made) a writable folder. */
  static void prepareDir(Path dir, String option) {
    if (dir == null) {
      return;
    }
    if (Files.exists(dir) && !Files.isDirectory(dir)) {
      throw new UserError(option + " " + dir + ": is a file; expected a folder");
    }
    try {
      Files.createDirectories(dir);
    } catch (IOException e) {
      throw new UserError(option + " " + dir + ": cannot create the folder (" + e + ")");
    }
    if (!Files.isWritable(dir)) {
      throw new UserError(option + " " + dir + ": not writable");
    }
  }

  /** {@code file} exists and is readable (a checkpoint, an input). */
  static void checkReadable(Path file, String option) {
    if (file == null) {
      return;
    }
    if (Files.isDirectory(file)) {
      throw new UserError(option + " " + file + ": is a folder; expected a file");
    }
    if (!Files.isRegularFile(file)) {
      throw new UserError(option + " " + file + ": file not found");
    }
    if (!Files.isReadable(file)) {
      throw new UserError(option + " " + file + ": not readable");
    }
  }
}
