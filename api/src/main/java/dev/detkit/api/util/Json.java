package dev.detkit.api.util;

import com.fasterxml.jackson.annotation.JsonAutoDetect;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.PropertyAccessor;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.json.JsonWriteFeature;
import com.fasterxml.jackson.core.util.DefaultIndenter;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.core.util.Separators;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * The one JSON configuration of detkit's files (Jackson). What it writes is what the files held
 * before: records and maps in declaration / insertion order, null map values and fields left out,
 * {@code NaN} and {@code Infinity} bare as Python's {@code json} writes them (so Python reads them
 * back), numbers as {@link Double#toString} / {@link Float#toString}, and the pretty layout {@code
 * "key": value} with two-space indents and one array element a line.
 */
public final class Json {
  private static final ObjectMapper MAPPER = mapper(JsonInclude.Include.NON_NULL);
  private static final ObjectMapper WITH_NULLS = mapper(JsonInclude.Include.ALWAYS);
  private static final DefaultPrettyPrinter LAYOUT = layout();

  private Json() {}

  /** The shared mapper (reading trees, binding records). */
  public static ObjectMapper mapper() {
    return MAPPER;
  }

  /** One line. */
  public static String compact(Object value) {
    return write(MAPPER.writer(), value);
  }

  /** Indented, null map values and fields left out. */
  public static String pretty(Object value) {
    return write(MAPPER.writer(LAYOUT), value);
  }

  /** Indented, null values written as {@code null} (a listing that shows every key). */
  public static String prettyWithNulls(Object value) {
    return write(WITH_NULLS.writer(LAYOUT), value);
  }

  /** An empty object node to fill. */
  public static ObjectNode object() {
    return MAPPER.createObjectNode();
  }

  /** Parses a document into a tree. */
  public static JsonNode tree(String text) throws JsonProcessingException {
    JsonNode n = MAPPER.readTree(text);
    if (n == null || n.isMissingNode()) {
      throw new com.fasterxml.jackson.core.JsonParseException(null, "empty document");
    }
    return n;
  }

  /** As {@link #tree}, for text this program wrote itself: malformed is a bug, not bad input. */
  public static JsonNode parse(String text) {
    try {
      return tree(text);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("not valid JSON: " + problem(e), e);
    }
  }

  /** Binds a document to {@code type} (a record: its canonical constructor). */
  public static <T> T read(String text, Class<T> type) throws JsonProcessingException {
    return MAPPER.readValue(text, type);
  }

  /** Jackson's message on one line with its line and column, without the source excerpt. */
  public static String problem(JsonProcessingException e) {
    String m =
        e.getOriginalMessage() == null ? e.getClass().getSimpleName() : e.getOriginalMessage();
    m = m.lines().findFirst().orElse(m).strip();
    JsonLocation at = e.getLocation();
    return at == null || at.getLineNr() < 0
        ? m
        : m + " at line " + at.getLineNr() + ", column " + at.getColumnNr();
  }

  private static String write(ObjectWriter w, Object value) {
    try {
      return w.writeValueAsString(value);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("cannot write JSON: " + problem(e), e);
    }
  }

  private static ObjectMapper mapper(JsonInclude.Include include) {
    return JsonMapper.builder()
        .disable(JsonWriteFeature.WRITE_NAN_AS_STRINGS)
        .enable(com.fasterxml.jackson.core.json.JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS)
        // fields, as the files were written from records' and classes' fields; no getters
        .visibility(PropertyAccessor.GETTER, JsonAutoDetect.Visibility.NONE)
        .visibility(PropertyAccessor.IS_GETTER, JsonAutoDetect.Visibility.NONE)
        .visibility(PropertyAccessor.FIELD, JsonAutoDetect.Visibility.ANY)
        .defaultPropertyInclusion(JsonInclude.Value.construct(include, include))
        .build();
  }

  private static DefaultPrettyPrinter layout() {
    DefaultIndenter indent = new DefaultIndenter("  ", "\n");
    Separators seps =
        Separators.createDefaultInstance()
            .withObjectFieldValueSpacing(Separators.Spacing.AFTER)
            .withObjectEmptySeparator("")
            .withArrayEmptySeparator("");
    return new DefaultPrettyPrinter(seps).withObjectIndenter(indent).withArrayIndenter(indent);
  }
}
