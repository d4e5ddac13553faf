package dev.detkit.spark;

import java.io.Serializable;

/**
 * One image to detect on: its position in the dataset (results are put back in this order), its
 * path as the executors read it, and its COCO image id.
 */
public record ImageTask(int index, String path, long imgId) implements Serializable {
  private static final long serialVersionUID = 1L;
}
