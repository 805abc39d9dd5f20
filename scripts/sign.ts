/**
 * `npm run -s sign -- [--query] key=value key:=json ...`
 *
 * Prints the signed parameters of an open-API request, for trying the API with curl. The app
 * comes from PARLEY_APP_ID and PARLEY_APP_SECRET. `key=value` is a string; `key:=value` is JSON
 * (numbers, arrays, objects). Output is a JSON body, or a query string with --query.
 *
 *   curl -X POST localhost:3000/user/getToken -H 'content-type: application/json' \
 *     -d "$(npm run -s sign -- userId=alice name=Alice)"
 *   curl "localhost:3000/user/sessions?$(npm run -s sign -- --query userId=alice)"
 */
import { ParleyServerApi, toSignedFields } from '@parley/sdk/server';

const appId = process.env.PARLEY_APP_ID;
const appSecret = process.env.PARLEY_APP_SECRET;
if (!appId || !appSecret) {
  process.stderr.write('Set PARLEY_APP_ID and PARLEY_APP_SECRET to the app\'s credentials.\n');
  process.exit(2);
}

const args = process.argv.slice(2);
const asQuery = args[0] === '--query';
const fields: Record<string, unknown> = {};
for (const arg of asQuery ? args.slice(1) : args) {
  const json = /^([^:=]+):=(.*)$/s.exec(arg);
  const text = /^([^=]+)=(.*)$/s.exec(arg);
  if (json) fields[json[1]!] = JSON.parse(json[2]!) as unknown;
  else if (text) fields[text[1]!] = text[2];
  else {
    process.stderr.write(`Cannot read "${arg}": write key=value or key:=json.\n`);
    process.exit(2);
  }
}

const signed = new ParleyServerApi({ baseUrl: 'http://unused', appId, appSecret }).sign(fields);
if (asQuery) {
  process.stdout.write(`${toSignedFields(signed)}\n`);
} else {
  process.stdout.write(`${JSON.stringify(signed)}\n`);
}
