// TOTP codes from an independent implementation (otplib), for the MFA tests: node totp.mjs <base32 secret> [epoch seconds]
// Prints {"code": "123456"}.
import { generate } from "otplib";

const [secret, epoch] = process.argv.slice(2);
const options = { secret };
if (epoch) options.epoch = Number(epoch);
const code = await generate(options);
process.stdout.write(JSON.stringify({ code }));
