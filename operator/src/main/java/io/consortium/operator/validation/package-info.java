/**
 * Checks a resource the way a real API server does before it stores it: the generated CRD's
 * OpenAPI schema (required fields, types, enums, ranges, patterns, lengths, defaults) and its CEL
 * rules (x-kubernetes-validations), with Kubernetes-style field paths and messages. The CRDs on the
 * class path are the single source: the operator refuses exactly what a real cluster would refuse.
 * Depends on nothing of the operator but the model's kinds, so that an API server can use it too.
 */
package io.consortium.operator.validation;
