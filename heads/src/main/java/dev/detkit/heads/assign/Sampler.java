package dev.detkit.heads.assign;

/** Chooses which assigned priors train the head (mmdet's {@code BaseSampler}). */
public interface Sampler {
  SamplingResult sample(AssignResult assign);
}
