// Body validation without type coercion, for routes whose body schema is TypeBox. Fastify's shared Ajv coerces
// types, which is right for querystrings (`?maxPoints=10`) but turned an ingest body's "0x1" or null into a number,
// and 42 or 1e309 into a string, then stored them. TypeBox's compiled checker takes the body as sent; its first
// error is reported in Ajv's shape, so the error handler names the field as it does for every other route.
import type { TSchema } from '@sinclair/typebox';
import { TypeCompiler } from '@sinclair/typebox/compiler';
import { ValueErrorType, type ValueError } from '@sinclair/typebox/errors';
import type { FastifySchema, FastifySchemaCompiler, FastifySchemaValidationError } from 'fastify';

type ValidationResult = ReturnType<FastifySchemaCompiler<FastifySchema>>;

/** `/points/0/labels/x` → [`/points/0/labels`, `x`]: the parent pointer and the unescaped last segment. */
function splitPointer(path: string): [string, string] {
  const at = path.lastIndexOf('/');
  return [path.slice(0, Math.max(at, 0)), path.slice(at + 1).replace(/~1/g, '/').replace(/~0/g, '~')];
}

/** One TypeBox error as the Ajv error fastify would have produced (required/additional name the parent object). */
export function toAjvShape(error: ValueError): FastifySchemaValidationError {
  const [parent, name] = splitPointer(error.path);
  if (error.type === ValueErrorType.ObjectRequiredProperty) {
    return { keyword: 'required', instancePath: parent, schemaPath: '', params: { missingProperty: name }, message: 'is required' };
  }
  if (error.type === ValueErrorType.ObjectAdditionalProperties) {
    return { keyword: 'additionalProperties', instancePath: parent, schemaPath: '', params: { additionalProperty: name }, message: 'must NOT have additional properties' };
  }
  return { keyword: ValueErrorType[error.type], instancePath: error.path, schemaPath: '', params: {}, message: error.message.replace(/^Expected/, 'must be') };
}

/** A fastify `validatorCompiler` for routes with TypeBox schemas: checks without coercing or filling defaults. */
export const strictValidatorCompiler: FastifySchemaCompiler<FastifySchema> = ({ schema }) => {
  // Only TypeBox schemas are given to this compiler (see its users); TypeBox checks their Kind at compile time.
  const checker = TypeCompiler.Compile(schema as TSchema);
  const validate: ValidationResult = (data: unknown) => {
    if (checker.Check(data)) return true;
    const first = checker.Errors(data).First();
    validate.errors = first === undefined ? [] : [toAjvShape(first)];
    return false;
  };
  return validate;
};
