import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { NUMBER_GROUPS } from '../../console/src/settings/fields.js';
import { appSettingsPatch } from '../../server/src/schemas/console-api.js';

/**
 * The console's settings form checks each number before sending it, with the API's range. The
 * ranges are written twice (the form cannot import the server), so this keeps them equal: a
 * range changed on the server and not in the form fails here.
 */
describe('console settings form', () => {
  const schema = z.toJSONSchema(appSettingsPatch) as { properties: Record<string, { minimum?: number; maximum?: number; type?: string }> };
  const fields = NUMBER_GROUPS.flatMap((group) => group.fields);

  it('has a field for every numeric setting of the API, with the same range', () => {
    const numeric = Object.entries(schema.properties).filter(([, property]) => property.type === 'integer' || property.type === 'number');
    expect(fields.map((field) => field.key).sort()).toEqual(numeric.map(([key]) => key).sort());
    for (const field of fields) {
      expect({ key: field.key, min: field.min, max: field.max }).toEqual({ key: field.key, min: schema.properties[field.key]!.minimum, max: schema.properties[field.key]!.maximum });
    }
  });
});
