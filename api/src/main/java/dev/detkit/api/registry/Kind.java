package dev.detkit.api.registry;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a {@link ComponentConfig} argument: the nested {@code type} map names a component of this
 * kind. It is validated when the outer config is bound and built when the owner asks.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.RECORD_COMPONENT, ElementType.PARAMETER, ElementType.FIELD})
public @interface Kind {
  ComponentKind value();

  /**
   * Keys the owner supplies when it builds the component (a neck's {@code in_channels} from the
   * backbone): validation does not require them in the config.
   */
  String[] provided() default {};
}
