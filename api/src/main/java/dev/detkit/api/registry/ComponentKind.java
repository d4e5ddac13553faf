package dev.detkit.api.registry;

import java.util.Locale;

/** The kinds of named components a config can build, as mmdetection's registries group them. */
public enum ComponentKind {
  BACKBONE,
  NECK,
  HEAD,
  DETECTOR,
  LOSS,
  ASSIGNER,
  SAMPLER,
  BBOX_CODER,
  PRIOR_GENERATOR,
  TRANSFORM,
  DATASET,
  METRIC,
  OPTIMIZER,
  PARAM_SCHEDULER,
  HOOK,
  BACKEND;

  /** The name used on the command line and in messages: {@code bbox_coder}. */
  public String cliName() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** Parses a command-line kind name ({@code backbone}, {@code bbox-coder}, {@code bbox_coder}). */
  public static ComponentKind parse(String s) {
    String key = s.trim().toUpperCase(Locale.ROOT).replace('-', '_');
    if (key.endsWith("S") && !key.equals("LOSS")) {
      String singular = key.substring(0, key.length() - 1);
      for (ComponentKind k : values()) {
        if (k.name().equals(singular)) {
          return k;
        }
      }
    }
    return valueOf(key);
  }
}
