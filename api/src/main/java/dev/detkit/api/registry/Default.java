package dev.detkit.api.registry;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * The default of an argument-record component, written as YAML ({@code "b0"}, {@code "[3, 4, 5]"},
 * {@code "{type: BN, eps: 0.001}"}, {@code "null"}). Components without one are required.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.RECORD_COMPONENT, ElementType.PARAMETER, ElementType.FIELD})
public @interface Default {
  String value();
}
