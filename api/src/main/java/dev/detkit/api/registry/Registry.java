package dev.detkit.api.registry;

import com.google.inject.Inject;
import dev.detkit.api.backend.BackendFactory;
import dev.detkit.api.config.CfgMap;
import dev.detkit.api.config.CfgNode;
import dev.detkit.api.config.ConfigException;
import dev.detkit.api.config.Origin;
import dev.detkit.api.config.Yaml;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Every registered component by kind and name. Building from a config map checks {@code type}
 * (unknown names fail with the known ones and a did-you-mean), binds and checks every argument
 * ({@link ArgsBinder}) and calls the factory. {@code scope.Name} picks a scope; a bare name prefers
 * detkit's default scope ({@value ComponentSpec#DEFAULT_SCOPE}).
 */
@com.google.inject.Singleton
public final class Registry {
  private final Map<ComponentKind, List<ComponentSpec<?, ?>>> byKind =
      new EnumMap<>(ComponentKind.class);
  private final ArgsBinder binder = new ArgsBinder(this);
  private final List<String> backendNames;

  @Inject
  Registry(Set<ComponentSpec<?, ?>> specs, Map<String, BackendFactory> backends) {
    this.backendNames = List.copyOf(new java.util.TreeSet<>(backends.keySet()));
    for (ComponentKind k : ComponentKind.values()) {
      byKind.put(k, new ArrayList<>());
    }
    for (ComponentSpec<?, ?> s : specs) {
      for (ComponentSpec<?, ?> other : byKind.get(s.kind())) {
        if (other.qualifiedName().equals(s.qualifiedName())) {
          throw new IllegalStateException(
              s.kind().cliName()
                  + " '"
                  + s.qualifiedName()
                  + "' is registered twice ("
                  + other.argsType().getName()
                  + ", "
                  + s.argsType().getName()
                  + ")");
        }
      }
      byKind.get(s.kind()).add(s);
    }
    byKind.values().forEach(l -> l.sort(Comparator.comparing(ComponentSpec::qualifiedName)));
  }

  /** A registry of exactly these components and no backends (tests, embedding). */
  public static Registry of(java.util.Collection<ComponentSpec<?, ?>> specs) {
    return new Registry(Set.copyOf(specs), Map.of());
  }

  /** Components of a kind, sorted by qualified name. */
  public List<ComponentSpec<?, ?>> specs(ComponentKind kind) {
    return List.copyOf(byKind.get(kind));
  }

  /** Names a config may use for {@code kind}. */
  public List<String> names(ComponentKind kind) {
    if (kind == ComponentKind.BACKEND) {
      return backendNames;
    }
    return byKind.get(kind).stream()
        .map(ComponentSpec::name)
        .distinct()
        .collect(Collectors.toList());
  }

  /** The component a {@code type} names, or a {@link ConfigException} naming the known ones. */
  public ComponentSpec<?, ?> resolve(ComponentKind kind, String type, Origin origin, String path) {
    int dot = type.lastIndexOf('.');
    String scope = dot < 0 ? null : type.substring(0, dot);
    String name = dot < 0 ? type : type.substring(dot + 1);
    List<ComponentSpec<?, ?>> matches = new ArrayList<>();
    for (ComponentSpec<?, ?> s : byKind.get(kind)) {
      if (s.name().equals(name) && (scope == null || s.scope().equals(scope))) {
        matches.add(s);
      }
    }
    if (matches.size() > 1) {
      for (ComponentSpec<?, ?> s : matches) {
        if (s.scope().equals(ComponentSpec.DEFAULT_SCOPE)) {
          return s;
        }
      }
      throw ConfigException.at(
          origin,
          path,
          "'"
              + type
              + "' is ambiguous; use one of "
              + matches.stream()
                  .map(ComponentSpec::qualifiedName)
                  .collect(Collectors.joining(", ")));
    }
    if (matches.isEmpty()) {
      List<String> known = names(kind);
      throw ConfigException.at(
          origin,
          path,
          "unknown "
              + kind.cliName()
              + " '"
              + type
              + "'"
              + DidYouMean.hint(name, known)
              + " (known: "
              + (known.isEmpty() ? "none registered" : String.join(", ", known))
              + ")");
    }
    return matches.get(0);
  }

  private ComponentSpec<?, ?> resolve(ComponentConfig cc) {
    CfgNode t = cc.config().get("type");
    String path = cc.path() + ".type";
    if (t == null) {
      throw ConfigException.at(
          cc.config().origin(),
          path,
          "missing 'type' (known "
              + cc.kind().cliName()
              + "s: "
              + String.join(", ", names(cc.kind()))
              + ")");
    }
    if (!(t.unwrapped() instanceof String type)) {
      throw ConfigException.at(t.origin(), path, "expected a string, got " + t.typeName());
    }
    return resolve(cc.kind(), type, t.origin(), path);
  }

  /** Checks {@code type} and every argument of a component without building it. */
  public void validate(ComponentConfig cc) {
    validate(cc, Set.of());
  }

  /** As {@link #validate(ComponentConfig)}; required keys in {@code provided} may be absent. */
  public void validate(ComponentConfig cc, Set<String> provided) {
    ComponentSpec<?, ?> spec = resolve(cc);
    binder.check(spec.argsType(), cc.config(), spec.name(), cc.path(), provided);
  }

  /** The binder that turns config maps into argument records. */
  public ArgsBinder binder() {
    return binder;
  }

  /** Binds a config map to an argument record (for code that builds without a factory). */
  public <A extends Record> A bindArgs(Class<A> type, CfgMap cfg, String owner, String path) {
    return binder.bind(type, cfg, owner, path);
  }

  /** Builds the component {@code cc} names; {@code defaults} fill keys it does not set. */
  public <T> T build(
      ComponentConfig cc, Class<T> expected, BuildContext ctx, Map<String, Object> defaults) {
    ComponentSpec<?, ?> spec = resolve(cc);
    CfgMap cfg = cc.config();
    for (Map.Entry<String, Object> d : defaults.entrySet()) {
      if (!cfg.has(d.getKey())) {
        cfg =
            cfg.with(d.getKey(), Yaml.fromJava(d.getValue(), new Origin("set by " + cc.path(), 0)));
      }
    }
    Object built = create(spec, cfg, cc.path(), ctx);
    if (!expected.isInstance(built)) {
      throw ConfigException.at(
          cc.config().origin(),
          cc.path() + ".type",
          "'"
              + spec.name()
              + "' builds a "
              + built.getClass().getSimpleName()
              + ", not a "
              + expected.getSimpleName());
    }
    return expected.cast(built);
  }

  /** Builds a top-level component of {@code kind} from the map at {@code path}. */
  public <T> T build(
      ComponentKind kind, CfgMap cfg, String path, Class<T> expected, BuildContext ctx) {
    return build(new ComponentConfig(kind, cfg, path), expected, ctx, Map.of());
  }

  private <A extends Record, T> T create(
      ComponentSpec<A, T> spec, CfgMap cfg, String path, BuildContext ctx) {
    A args = binder.bind(spec.argsType(), cfg, spec.name(), path);
    try {
      return spec.factory().create(args, ctx);
    } catch (IllegalArgumentException e) {
      // Arguments that are valid one by one but not together (for example num_groups that does
      // not divide a layer's channels) surface while building: still the config's fault.
      ConfigException c =
          ConfigException.at(cfg.origin(), path, spec.name() + ": " + e.getMessage());
      c.initCause(e);
      throw c;
    }
  }
}
