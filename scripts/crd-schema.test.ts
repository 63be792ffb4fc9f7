import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { celBoundProblems, celSyntaxProblems, structuralProblems } from './crd-lint.ts';
import { CrdSchemaError, structuralSchemaOf, toStructuralSchema, type SchemaNode } from './crd-schema.ts';

const preserve = { 'x-kubernetes-preserve-unknown-fields': true };

describe('structuralSchemaOf', () => {
  it.each([
    { name: 'free-form record keeps only type and the marker', schema: z.record(z.string(), z.unknown()).meta(preserve), want: { type: 'object', ...preserve } },
    { name: 'unknown value with the marker has no type', schema: z.unknown().meta(preserve), want: preserve },
    { name: 'integers lose the implicit safe-integer bounds', schema: z.number().int(), want: { type: 'integer' } },
    { name: 'explicit integer bounds stay', schema: z.number().int().min(-5).max(5), want: { type: 'integer', minimum: -5, maximum: 5 } },
    { name: 'date-time keeps format, drops zod regex', schema: z.iso.datetime({ offset: true }), want: { type: 'string', format: 'date-time' } },
    { name: 'record keeps additionalProperties and bounds', schema: z.record(z.string(), z.string().max(3)).meta({ maxProperties: 2 }), want: { type: 'object', maxProperties: 2, additionalProperties: { type: 'string', maxLength: 3 } } },
    {
      name: 'loose object loses additionalProperties beside properties',
      schema: z.looseObject({ a: z.string().optional() }),
      want: { type: 'object', properties: { a: { type: 'string' } } },
    },
    {
      name: 'CEL rules are carried after the typed keys',
      schema: z.object({ n: z.number() }).meta({ 'x-kubernetes-validations': [{ rule: 'self.n > 0', message: 'n must be positive' }] }),
      want: { type: 'object', required: ['n'], properties: { n: { type: 'number' } }, 'x-kubernetes-validations': [{ rule: 'self.n > 0', message: 'n must be positive' }] },
    },
    { name: 'nullable stays nullable (no anyOf)', schema: z.string().max(2).nullable(), want: { type: 'string', nullable: true, maxLength: 2 } },
    { name: 'literal becomes a one-value enum', schema: z.literal('x'), want: { type: 'string', enum: ['x'] } },
  ])('$name', ({ schema, want }) => {
    const got = structuralSchemaOf(schema, 'test');
    expect(got).toStrictEqual(want);
    expect(Object.keys(got)).toStrictEqual(Object.keys(want));
  });

  it.each([
    { name: 'union', schema: z.object({ u: z.union([z.string(), z.number()]) }), error: 'test.u: anyOf is not allowed in a CRD schema' },
    {
      name: 'discriminated union',
      schema: z.discriminatedUnion('k', [z.object({ k: z.literal('a') }), z.object({ k: z.literal('b') })]),
      error: 'test: oneOf is not allowed in a CRD schema',
    },
    { name: 'unknown without marker', schema: z.object({ v: z.unknown() }), error: 'test.v: every node needs a type (got {})' },
    { name: 'tuple (zod emits anyOf items)', schema: z.tuple([z.string()]), error: 'test[]: anyOf is not allowed' },
  ])('rejects $name with a message naming the path', ({ schema, error }) => {
    expect(() => structuralSchemaOf(schema, 'test')).toThrow(CrdSchemaError);
    expect(() => structuralSchemaOf(schema, 'test')).toThrow(error);
  });
});

describe('toStructuralSchema', () => {
  it('inlines local $defs references and drops $schema and id', () => {
    const input = {
      $schema: 'http://json-schema.org/draft-04/schema#',
      id: 'thing',
      type: 'object',
      properties: { a: { $ref: '#/$defs/Name' }, b: { $ref: '#/$defs/Name', description: 'second' } },
      $defs: { Name: { type: 'string', maxLength: 5 } },
      additionalProperties: false,
    };
    expect(toStructuralSchema(input)).toStrictEqual({
      type: 'object',
      properties: { a: { type: 'string', maxLength: 5 }, b: { type: 'string', description: 'second', maxLength: 5 } },
    });
  });

  it('rejects a reference it cannot inline and uniqueItems', () => {
    expect(() => toStructuralSchema({ $ref: '#/$defs/Missing' })).toThrow('<root>: cannot inline $ref #/$defs/Missing');
    expect(() => toStructuralSchema({ type: 'array', uniqueItems: true, items: { type: 'string' } })).toThrow('uniqueItems: true is not allowed');
  });
});

const rule = (r: string): SchemaNode => ({ 'x-kubernetes-validations': [{ rule: r, message: 'm' }] });

describe('crd-lint', () => {
  it.each<{ name: string; schema: SchemaNode; want: string[] }>([
    { name: 'node without type', schema: { type: 'object', properties: { a: {} } }, want: ['a: no type and not x-kubernetes-preserve-unknown-fields'] },
    {
      name: 'additionalProperties beside properties',
      schema: { type: 'object', properties: { a: { type: 'string' } }, additionalProperties: { type: 'string' } },
      want: ['<root>: additionalProperties beside properties'],
    },
    { name: 'closed object', schema: { type: 'object', additionalProperties: false }, want: ['<root>: additionalProperties must be a schema (got false)'] },
    { name: 'union', schema: { type: 'object', properties: { a: { type: 'string', anyOf: [] } } }, want: ['a: anyOf is not allowed'] },
    { name: 'preserved node with content', schema: { type: 'object', ...preserve, properties: {} }, want: ['<root>: a preserve-unknown-fields node must not also describe its content'] },
    { name: 'preserved node without type', schema: { type: 'object', properties: { v: preserve } }, want: [] },
  ])('structuralProblems: $name', ({ schema, want }) => {
    expect(structuralProblems(schema)).toStrictEqual(want);
  });

  it.each<{ name: string; schema: SchemaNode; want: string[] }>([
    {
      name: 'rule under an unbounded list',
      schema: { type: 'array', items: { type: 'object', properties: {}, ...rule('true') } },
      want: ['[]: CEL rules run once per element of unbounded <root>'],
    },
    {
      name: 'rule reads unbounded list, string and map',
      schema: {
        type: 'object',
        properties: { l: { type: 'array', items: { type: 'integer' } }, s: { type: 'string' }, m: { type: 'object', additionalProperties: { type: 'integer' } } },
        ...rule("size(self.l) + size(self.s) + size(self.m) > 0 && 'self.quoted' != ''"),
      },
      want: ['l: read by a CEL rule but the list has no maxItems', 's: read by a CEL rule but the string has no maxLength', 'm: read by a CEL rule but the map has no maxProperties'],
    },
    {
      name: 'rule iterates a list whose items hold an unbounded string',
      schema: { type: 'object', properties: { l: { type: 'array', maxItems: 2, items: { type: 'object', properties: { n: { type: 'string' } } } } }, ...rule('self.l.all(x, x.n != "")') },
      want: ['<root>.l[].n: iterated by a CEL rule but the string has no maxLength'],
    },
    { name: 'typo in a field name', schema: { type: 'object', properties: { a: { type: 'integer' } }, ...rule('self.b > 0') }, want: ['<root>: a CEL rule reads self.b, which is not a field here'] },
    { name: 'enum strings are bounded', schema: { type: 'object', properties: { e: { type: 'string', enum: ['x'] } }, ...rule("self.e == 'x'") }, want: [] },
  ])('celBoundProblems: $name', ({ schema, want }) => {
    expect(celBoundProblems(schema)).toStrictEqual(want.map((p) => (p.startsWith('<root>') || p.startsWith('[') ? p : `<root>.${p}`)));
  });

  it.each([
    { expression: 'size(self.a) > 0)', want: 'unbalanced )' },
    { expression: '[self.a, self.b].all(x, x', want: 'unclosed (' },
    { expression: "self.a == 'x", want: 'unterminated string literal' },
    { expression: "self.a == ')'", want: undefined },
  ])('celSyntaxProblems: $expression', ({ expression, want }) => {
    const problems = celSyntaxProblems({ type: 'object', ...rule(expression) });
    expect(problems).toStrictEqual(want === undefined ? [] : [`<root>: ${want} in ${JSON.stringify(expression)}`]);
  });
});
