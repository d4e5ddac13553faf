package dev.detkit.api.registry;

import dev.detkit.api.config.CfgList;
import dev.detkit.api.config.CfgMap;
import dev.detkit.api.config.CfgNode;
import dev.detkit.api.config.CfgScalar;
import dev.detkit.api.config.ConfigException;
import dev.detkit.api.config.Origin;
import dev.detkit.api.config.Yaml;
import java.lang.reflect.Array;
import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Binds a config map to a component's argument record (detectron2's {@code configurable} idea):
 * every key must be a record component (in snake_case), missing ones take their {@link Default},
 * values are converted to the declared Java types, and nested records and {@link ComponentConfig}s
 * are bound recursively. Errors name the file, line and dotted key, and list the valid keys.
 */
public final class ArgsBinder {
  /** Keys a component map may carry besides its arguments. */
  public static final Set<String> RESERVED = Set.of("type", "_scope_");

  private final Registry registry;

  ArgsBinder(Registry registry) {
    this.registry = registry;
  }

  /** The config key of a record component. */
  public static String keyOf(RecordComponent rc) {
    Key k = rc.getAnnotation(Key.class);
    return k != null ? k.value() : snake(rc.getName());
  }

  static String snake(String camel) {
    StringBuilder sb = new StringBuilder();
    for (char c : camel.toCharArray()) {
      if (Character.isUpperCase(c)) {
        sb.append('_').append(Character.toLowerCase(c));
      } else {
        sb.append(c);
      }
    }
    return sb.toString();
  }

  /** The valid keys of {@code type}, in declaration order. */
  public static List<String> keys(Class<? extends Record> type) {
    List<String> out = new ArrayList<>();
    for (RecordComponent rc : type.getRecordComponents()) {
      out.add(keyOf(rc));
    }
    return out;
  }

  /**
   * The value {@code rc}'s {@link Default} declares, converted to its type as a config value would
   * be (nested components validated too); null without a default. A default that does not parse or
   * fit its type is a {@link ConfigException} naming the owner and key.
   */
  public Object defaultValue(RecordComponent rc, String owner) {
    Default d = rc.getAnnotation(Default.class);
    if (d == null) {
      return null;
    }
    String key = keyOf(rc);
    return convert(defaultNode(d.value(), owner, key), rc.getGenericType(), rc, owner, key);
  }

  /**
   * Binds {@code cfg} (may be null: all defaults) to a new {@code type}.
   *
   * @param owner what the arguments belong to, for messages ({@code EfficientNet})
   * @param path the dotted key of {@code cfg}
   */
  public <A extends Record> A bind(Class<A> type, CfgMap cfg, String owner, String path) {
    return bind(type, cfg, owner, path, null);
  }

  /**
   * Checks {@code cfg} against {@code type} as {@link #bind} does (unknown keys, types, nested
   * components) without constructing it; required keys in {@code provided} may be absent.
   */
  public void check(
      Class<? extends Record> type,
      CfgMap cfg,
      String owner,
      String path,
      java.util.Set<String> provided) {
    bind(type, cfg, owner, path, provided);
  }

  private <A extends Record> A bind(
      Class<A> type, CfgMap cfg, String owner, String path, java.util.Set<String> provided) {
    CfgMap map = cfg == null ? CfgMap.empty(Origin.CODE) : cfg;
    List<String> valid = keys(type);
    for (Map.Entry<String, CfgNode> e : map.entries().entrySet()) {
      if (!valid.contains(e.getKey()) && !RESERVED.contains(e.getKey())) {
        throw ConfigException.at(
            e.getValue().origin(),
            join(path, e.getKey()),
            "unknown argument '"
                + e.getKey()
                + "' for "
                + owner
                + DidYouMean.hint(e.getKey(), valid)
                + " (valid: "
                + String.join(", ", valid)
                + ")");
      }
    }
    RecordComponent[] rcs = type.getRecordComponents();
    boolean incomplete = false;
    Object[] values = new Object[rcs.length];
    Class<?>[] types = new Class<?>[rcs.length];
    for (int i = 0; i < rcs.length; i++) {
      RecordComponent rc = rcs[i];
      types[i] = rc.getType();
      String key = keyOf(rc);
      CfgNode node = map.get(key);
      if (node == null) {
        Default d = rc.getAnnotation(Default.class);
        if (d == null && provided != null && provided.contains(key)) {
          incomplete = true;
          continue;
        }
        if (d == null) {
          throw ConfigException.at(
              map.origin(),
              join(path, key),
              "missing required argument '" + key + "' for " + owner);
        }
        node = defaultNode(d.value(), owner, key);
      }
      values[i] = convert(node, rc.getGenericType(), rc, owner, join(path, key));
    }
    if (incomplete) {
      // The owner fills these in at build time; the record's own checks run then.
      return null;
    }
    try {
      Constructor<A> ctor = type.getDeclaredConstructor(types);
      ctor.setAccessible(true);
      return ctor.newInstance(values);
    } catch (InvocationTargetException e) {
      Throwable cause = e.getCause();
      if (cause instanceof ConfigException ce) {
        throw ce;
      }
      // A record's compact constructor rejected the values: report it against the config.
      throw ConfigException.at(map.origin(), path, owner + ": " + cause.getMessage());
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException("cannot construct " + type.getName(), e);
    }
  }

  /** The parsed default of an argument. */
  public static CfgNode defaultNode(String yaml, String owner, String key) {
    Origin o = new Origin("default of " + owner + "." + key, 0);
    return "null".equals(yaml) ? new CfgScalar(null, o) : Yaml.parseValue(yaml, o);
  }

  private static String join(String path, String key) {
    return path == null || path.isEmpty() ? key : path + "." + key;
  }

  private Object convert(CfgNode n, Type t, RecordComponent rc, String owner, String path) {
    Class<?> raw = rawClass(t);
    if (raw == CfgNode.class) {
      return n;
    }
    if (n instanceof CfgScalar s && s.isNull()) {
      Default d = rc == null ? null : rc.getAnnotation(Default.class);
      if (raw == Optional.class) {
        return Optional.empty();
      }
      if (raw == Object.class || (d != null && d.value().equals("null") && !raw.isPrimitive())) {
        return null;
      }
      throw ConfigException.at(n.origin(), path, "must not be null (expected " + describe(t) + ")");
    }
    if (raw == Optional.class) {
      return Optional.of(convert(n, typeArg(t, 0), null, owner, path));
    }
    if (raw == Object.class) {
      return n.unwrapped();
    }
    if (raw == CfgMap.class) {
      return expectMap(n, path);
    }
    if (raw == ComponentConfig.class) {
      Kind kind = rc == null ? null : rc.getAnnotation(Kind.class);
      if (kind == null) {
        throw new IllegalStateException(
            owner + "." + path + ": a ComponentConfig argument needs @Kind");
      }
      CfgMap m = expectMap(n, path);
      ComponentConfig cc = new ComponentConfig(kind.value(), m, path);
      registry.validate(cc, java.util.Set.of(kind.provided()));
      return cc;
    }
    if (raw == String.class) {
      return scalar(n, String.class, "a string", path);
    }
    if (raw == boolean.class || raw == Boolean.class) {
      return scalar(n, Boolean.class, "true or false", path);
    }
    if (raw == int.class || raw == Integer.class || raw == long.class || raw == Long.class) {
      Long v = scalar(n, Long.class, "an integer", path);
      if (raw == long.class || raw == Long.class) {
        return v;
      }
      if (v < Integer.MIN_VALUE || v > Integer.MAX_VALUE) {
        throw ConfigException.at(n.origin(), path, "integer " + v + " is out of range");
      }
      return v.intValue();
    }
    if (raw == double.class || raw == Double.class || raw == float.class || raw == Float.class) {
      if (!(n instanceof CfgScalar s) || !(s.value() instanceof Number num)) {
        throw mismatch(n, "a number", path);
      }
      return raw == float.class || raw == Float.class
          ? (Object) num.floatValue()
          : (Object) num.doubleValue();
    }
    if (raw.isEnum()) {
      String v = scalar(n, String.class, "one of " + enumNames(raw), path);
      for (Object c : raw.getEnumConstants()) {
        if (normalise(((Enum<?>) c).name()).equals(normalise(v))) {
          return c;
        }
      }
      throw ConfigException.at(n.origin(), path, "'" + v + "' is not one of " + enumNames(raw));
    }
    if (raw == List.class) {
      CfgList l = expectList(n, path);
      List<Object> out = new ArrayList<>();
      for (int i = 0; i < l.size(); i++) {
        out.add(convert(l.get(i), typeArg(t, 0), null, owner, path + "." + i));
      }
      return List.copyOf(out);
    }
    if (raw.isArray()) {
      CfgList l = expectList(n, path);
      Object arr = Array.newInstance(raw.getComponentType(), l.size());
      for (int i = 0; i < l.size(); i++) {
        Array.set(arr, i, convert(l.get(i), raw.getComponentType(), null, owner, path + "." + i));
      }
      return arr;
    }
    if (raw == Map.class) {
      CfgMap m = expectMap(n, path);
      Map<String, Object> out = new LinkedHashMap<>();
      for (Map.Entry<String, CfgNode> e : m.entries().entrySet()) {
        out.put(
            e.getKey(), convert(e.getValue(), typeArg(t, 1), null, owner, path + "." + e.getKey()));
      }
      return out;
    }
    if (raw.isRecord()) {
      @SuppressWarnings("unchecked")
      Class<? extends Record> rt = (Class<? extends Record>) raw;
      return bind(
          rt, expectMap(n, path), owner + "." + path.substring(path.lastIndexOf('.') + 1), path);
    }
    throw new IllegalStateException("unsupported argument type " + t + " at " + owner + "." + path);
  }

  private static String normalise(String s) {
    return s.toLowerCase(Locale.ROOT).replace("_", "").replace("-", "");
  }

  private static String enumNames(Class<?> e) {
    List<String> names = new ArrayList<>();
    for (Object c : e.getEnumConstants()) {
      names.add(((Enum<?>) c).name().toLowerCase(Locale.ROOT));
    }
    return String.join(", ", names);
  }

  private static <V> V scalar(CfgNode n, Class<V> type, String expected, String path) {
    if (n instanceof CfgScalar s && type.isInstance(s.value())) {
      return type.cast(s.value());
    }
    throw mismatch(n, expected, path);
  }

  private static CfgMap expectMap(CfgNode n, String path) {
    if (n instanceof CfgMap m) {
      return m;
    }
    throw mismatch(n, "a map", path);
  }

  private static CfgList expectList(CfgNode n, String path) {
    if (n instanceof CfgList l) {
      return l;
    }
    throw mismatch(n, "a list", path);
  }

  private static ConfigException mismatch(CfgNode n, String expected, String path) {
    String got =
        n instanceof CfgScalar s && s.value() != null
            ? n.typeName() + " '" + s.value() + "'"
            : n.typeName();
    return ConfigException.at(n.origin(), path, "expected " + expected + ", got " + got);
  }

  static Class<?> rawClass(Type t) {
    if (t instanceof Class<?> c) {
      return c;
    }
    if (t instanceof ParameterizedType p) {
      return (Class<?>) p.getRawType();
    }
    throw new IllegalStateException("unsupported argument type " + t);
  }

  private static Type typeArg(Type t, int i) {
    if (t instanceof ParameterizedType p) {
      return p.getActualTypeArguments()[i];
    }
    return Object.class;
  }

  /** A readable name of an argument type: {@code list[int]}, {@code map}, {@code backbone}. */
  public static String describe(Type t) {
    Class<?> raw = rawClass(t);
    if (raw == List.class) {
      return "list[" + describe(typeArg(t, 0)) + "]";
    }
    if (raw == Optional.class) {
      return describe(typeArg(t, 0)) + "?";
    }
    if (raw.isArray()) {
      return "list[" + describe(raw.getComponentType()) + "]";
    }
    if (raw == int.class || raw == Integer.class || raw == long.class || raw == Long.class) {
      return "int";
    }
    if (raw == double.class || raw == Double.class || raw == float.class || raw == Float.class) {
      return "float";
    }
    if (raw == boolean.class || raw == Boolean.class) {
      return "bool";
    }
    if (raw == String.class) {
      return "str";
    }
    if (raw.isEnum()) {
      return enumNames(raw).replace(", ", "|");
    }
    if (raw == Map.class || raw == CfgMap.class || raw.isRecord()) {
      return "map";
    }
    if (raw == ComponentConfig.class) {
      return "component";
    }
    return "any";
  }
}
