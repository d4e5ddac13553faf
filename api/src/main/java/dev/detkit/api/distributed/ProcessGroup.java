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

  /**
   * The sum of {@code x} over all ranks as a new tensor recorded by autograd (PyTorch's {@code
   * torch.distributed.nn.functional.all_reduce}): in backward, the gradient that reaches the result
   * is itself summed over the ranks before it flows on to {@code x}. Every rank runs the forward
   * and the backward through the same calls in the same order (as SyncBN layers do); a collective
   * that fails inside backward is thrown by the next collective on this group.
   */
  Tensor allReduceSumDifferentiable(Tensor x);

  /**
   * A bucketed, overlapped gradient reducer for {@code params} (each a leaf that requires grad),
   * with buckets of at most {@code bucketBytes} (the first one {@code firstBucketBytes}, as DDP
   * does), or null where this group has none (the caller then all-reduces after backward).
   */
  default GradientBuckets gradientBuckets(
      java.util.List<Tensor> params, long firstBucketBytes, long bucketBytes) {
    return null;
  }

  /**
   * {@code e}, thrown by a backward that ran this group's collectives, as the {@link
   * CollectiveException} it stands for when a collective failed; {@code e} itself otherwise.
   */
  default RuntimeException collectiveFailure(RuntimeException e) {
    return e;
  }

  /** Replaces each tensor, in place, by {@code root}'s copy. */
  void broadcast(List<Tensor> tensors, int root);

  /** Leaves the group. */
  @Override
  void close();
}
