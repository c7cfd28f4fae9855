import type { MetadataStorage as TransformerMetadataStorage } from 'class-transformer/types/MetadataStorage';
import { getMetadataStorage, ValidationArguments, ValidationTypes } from 'class-validator';
import type { ValidationMetadata } from 'class-validator/types/metadata/ValidationMetadata';

// The metadata class-transformer's own decorators (@Type, @Transform, @Expose) write to.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { defaultMetadataStorage } = require('class-transformer/cjs/storage') as { defaultMetadataStorage: TransformerMetadataStorage };

type Constructor = new () => object;

/** True only if the plain JSON value is valid for the DTO (whitelist and forbidden unknown fields included). */
export type DtoAcceptor = (value: unknown) => boolean;

/** One validator function of a property, with the arguments class-validator would pass it. */
interface Check {
  metadata: ValidationMetadata;
  validate: (value: unknown, args: ValidationArguments) => unknown;
}

interface PropertyPlan {
  name: string;
  conditions: ((object: unknown, value: unknown) => boolean)[];
  checks: Check[];
  /** The class a nested object is validated as (its @Type), when the property has @ValidateNested. */
  nested?: ClassPlan;
}

interface ClassPlan {
  target: Constructor;
  targetName: string;
  properties: PropertyPlan[];
  known: Set<string>;
}

const acceptors = new WeakMap<Constructor, DtoAcceptor | null>();

/**
 * The accept path of class-validator, compiled once per DTO class from the DTO's own decorators.
 *
 * `validateBody` runs class-transformer and class-validator on every body, which costs ≈ 30 µs per
 * nested Retraced event (the bulk path's largest cost, mostly metadata lookups repeated per call).
 * This walks the same metadata once and keeps, per property, the same validator functions
 * (`IsString`, `MaxLength`, `IsIpAddress`, …) with the same conditions (`IsOptional`, `ValidateIf`,
 * `IsDefined`) and nesting (`@ValidateNested` + `@Type`), so a valid body is recognised with plain
 * function calls. It only ever says "valid": anything else goes through class-validator, which
 * remains the one definition of the rules and the source of every error message. A DTO using a
 * feature not reproduced here (transforms, groups, `each`, async validators, initialised
 * properties) gets no acceptor and always takes the full path. `dto-acceptor.spec.ts` checks the
 * acceptor against class-validator on thousands of generated bodies.
 */
export function dtoAcceptor(target: Constructor): DtoAcceptor | undefined {
  if (!acceptors.has(target)) {
    const root = plan(target, new Map());
    acceptors.set(target, root ? compile(root) : null);
  }
  return acceptors.get(target) ?? undefined;
}

function plan(target: Constructor, plans: Map<Constructor, ClassPlan>): ClassPlan | undefined {
  const existing = plans.get(target);
  if (existing) return existing;
  if (!supportedByTransformer(target)) return undefined;
  const metadatas = getMetadataStorage().getTargetValidationMetadatas(target, '', false, false, undefined);
  if (metadatas.length === 0) return undefined;
  const classPlan: ClassPlan = { target, targetName: target.name, properties: [], known: new Set() };
  plans.set(target, classPlan); // before the properties: a class may nest itself
  const built = build(classPlan, metadatas, plans);
  if (!built) plans.delete(target);
  return built;
}

function build(classPlan: ClassPlan, metadatas: ValidationMetadata[], plans: Map<Constructor, ClassPlan>): ClassPlan | undefined {
  const { target } = classPlan;
  const byProperty = new Map<string, ValidationMetadata[]>();
  for (const metadata of metadatas) {
    if (metadata.each || metadata.always || (metadata.groups && metadata.groups.length > 0)) return undefined;
    byProperty.set(metadata.propertyName, [...(byProperty.get(metadata.propertyName) ?? []), metadata]);
  }
  for (const [name, list] of byProperty) {
    classPlan.known.add(name);
    const property: PropertyPlan = { name, conditions: [], checks: [] };
    for (const metadata of list) {
      switch (metadata.type) {
        case ValidationTypes.CONDITIONAL_VALIDATION:
          property.conditions.push(metadata.constraints[0] as (object: unknown, value: unknown) => boolean);
          break;
        case ValidationTypes.IS_DEFINED:
        case ValidationTypes.CUSTOM_VALIDATION: {
          const constraints = getMetadataStorage().getTargetValidatorConstraints(metadata.constraintCls);
          if (constraints.length === 0 || constraints.some((c) => c.async)) return undefined;
          for (const constraint of constraints) {
            // The validator's instance, looked up in class-validator's container once, not per value.
            const instance = constraint.instance as { validate: Check['validate'] };
            property.checks.push({ metadata, validate: (value, args) => instance.validate(value, args) });
          }
          break;
        }
        case ValidationTypes.NESTED_VALIDATION: {
          const type = defaultMetadataStorage.findTypeMetadata(target, name);
          if (!type || type.options?.discriminator) return undefined;
          property.nested = plan(type.typeFunction() as Constructor, plans);
          if (!property.nested) return undefined;
          break;
        }
        case ValidationTypes.WHITELIST:
          break;
        default:
          return undefined;
      }
    }
    classPlan.properties.push(property);
  }
  const nested = new Set(classPlan.properties.filter((p) => p.nested).map((p) => p.name));
  if (!typedProperties(target).every((name) => nested.has(name))) return undefined;
  return classPlan;
}

/** class-transformer copies a plain object's values unchanged into such a class. */
function supportedByTransformer(target: Constructor): boolean {
  // Declared fields exist on an instance as undefined (useDefineForClassFields); an initialised one would not be in a plain body.
  if (Object.values(new target()).some((value) => value !== undefined)) return false;
  if (defaultMetadataStorage.getStrategy(target) !== 'none') return false;
  if (defaultMetadataStorage.getExposedMetadatas(target).length > 0 || defaultMetadataStorage.getExcludedMetadatas(target).length > 0) return false;
  const storage = defaultMetadataStorage as unknown as { _transformMetadatas: Map<AnyClass, Map<string, unknown>> };
  return ancestry(target).every((cls) => (storage._transformMetadatas.get(cls)?.size ?? 0) === 0);
}

/** Properties with a @Type: only nested objects may have one (elsewhere it converts the value). */
function typedProperties(target: Constructor): string[] {
  const storage = defaultMetadataStorage as unknown as { _typeMetadatas: Map<AnyClass, Map<string, unknown>> };
  return ancestry(target).flatMap((cls) => [...(storage._typeMetadatas.get(cls)?.keys() ?? [])]);
}

/** Any class (its constructor), as class-transformer keys its metadata. */
type AnyClass = abstract new (...args: any[]) => unknown;

function ancestry(target: AnyClass): AnyClass[] {
  const chain: AnyClass[] = [];
  for (let cls: AnyClass | null = target; cls && cls !== Object && cls !== Function.prototype; cls = Object.getPrototypeOf(cls)) chain.push(cls);
  return chain;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/**
 * The plan as straight-line code, one function per class (the bulk path validates a thousand events
 * per request; a loop over the plan's properties, conditions and checks cost a third more). For each
 * property in declaration order: its conditions, all evaluated (`IsOptional`, `ValidateIf`); if they
 * all hold, its checks in order, each with class-validator's arguments, and then its nested class.
 * Unknown keys and non-plain objects are refused first. The generated source holds only JSON-quoted
 * property names and indexes into the arrays of conditions and checks passed in; no value of a
 * DTO's decorators becomes code.
 */
function compile(root: ClassPlan): DtoAcceptor {
  const conditions: ((object: unknown, value: unknown) => boolean)[] = [];
  const checks: Check[] = [];
  const names = new Map<ClassPlan, string>();
  const bodies: string[] = [];
  const define = (classPlan: ClassPlan): string => {
    const existing = names.get(classPlan);
    if (existing) return existing;
    const name = `accept${names.size}`;
    names.set(classPlan, name);
    const lines = [
      `function ${name}(value) {`,
      '  if (!isPlainObject(value)) return false;',
      `  for (const key in value) switch (key) { ${[...classPlan.known].map((key) => `case ${JSON.stringify(key)}:`).join(' ')} break; default: return false; }`,
      '  let v, args;',
    ];
    for (const property of classPlan.properties) {
      const key = JSON.stringify(property.name);
      lines.push(`  v = value[${key}];`);
      const applies = property.conditions.map((condition) => `conditions[${conditions.push(condition) - 1}](value, v)`);
      // Every condition is evaluated (`&`, not `&&`), as class-validator does, before any check.
      if (applies.length === 0) lines.push('  {');
      else lines.push(`  if (${applies.map((call) => `(${call} ? 1 : 0)`).join(' & ')}) {`);
      if (property.checks.length > 0)
        lines.push(`    args = { targetName: ${JSON.stringify(classPlan.targetName)}, property: ${key}, object: value, value: v, constraints: [] };`);
      for (const check of property.checks) {
        const i = checks.push(check) - 1;
        const call = `args.constraints = checks[${i}].metadata.constraints; if (checks[${i}].validate(v, args) !== true) return false;`;
        lines.push(check.metadata.validateIf ? `    if (checks[${i}].metadata.validateIf(value, v)) { ${call} }` : `    ${call}`);
      }
      if (property.nested) lines.push(`    if (!${define(property.nested)}(v)) return false;`);
      lines.push('  }');
    }
    lines.push('  return true;', '}');
    bodies.push(lines.join('\n'));
    return name;
  };
  const rootName = define(root);
  const factory = new Function('isPlainObject', 'conditions', 'checks', `${bodies.join('\n')}\nreturn ${rootName};`) as (
    isPlain: typeof isPlainObject,
    conditionList: typeof conditions,
    checkList: typeof checks,
  ) => DtoAcceptor;
  return factory(isPlainObject, conditions, checks);
}
