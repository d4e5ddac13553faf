package dev.detkit.api.registry;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Declares a registered component where it is written. On a class, the class is the component and
 * one public constructor takes its argument record (and optionally the {@link BuildContext}); on a
 * public static method, the method builds it from the same parameters and its return type says what
 * it builds. The argument record's Javadoc {@code @param} tags are its argument docs ({@code
 * ./detkit list NAME} shows them).
 *
 * <p>The annotation processor in this package indexes every declaration of a jar under the jar's
 * one {@link DetkitModule}, which registers them without a hand-kept list.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.TYPE, ElementType.METHOD})
public @interface Component {
  /** The registry it belongs to. */
  ComponentKind kind();

  /** Its name(s) in configs: mmdetection's where the component is mmdetection's. */
  String[] name();

  /** One line for {@code ./detkit list}. */
  String summary();

  /** The scope that qualifies the name ({@code mmdet.FPN}); plugins use their own. */
  String scope() default ComponentSpec.DEFAULT_SCOPE;
}
