package dev.detkit.api.distributed;

import dev.detkit.api.tensor.Tensor;
import java.util.List;

/**
 * The collectives of one data-parallel job (PyTorch's {@code c10d} process group): every rank calls
 * the same operations in the same order. A collective that cannot complete (a peer rank died or did
 * not arrive within the timeout) throws {@link CollectiveException} instead of hanging.
 */
public interface ProcessGroup extends AutoCloseable {

  /** This process's rank, 0 to {@code worldSize() - 1}. */
  int rank();

  /** Number of ranks in the job. */
  int worldSize();

  /**
   * Replaces each tensor, in place, by its sum over all ranks, in one coalesced collective. All
   * tensors have one floating dtype and are contiguous.
   */
  void allReduceSum(List<Tensor> tensors);

  /** Replaces each tensor, in place, by {@code root}'s copy. */
  void broadcast(List<Tensor> tensors, int root);

  /** Leaves the group. */
  @Override
  void close();
}
