/**
 * Snowflake ids for the Discord simulator. Discord ids are 17–19 digit numbers; @discordjs/rest picks
 * rate-limit buckets with a regex on them, so short or non-numeric ids break routing in the client.
 */
const DISCORD_EPOCH = 1_420_070_400_000n;

let lastTimestamp = 0n;
let increment = 0n;

/** A fresh, strictly increasing snowflake (time-ordered like Discord's, unique within the process). */
export function createSnowflake(now: number = Date.now()): string {
  let timestamp = BigInt(now) - DISCORD_EPOCH;
  if (timestamp <= lastTimestamp) {
    timestamp = lastTimestamp;
    increment += 1n;
    if (increment > 4095n) {
      timestamp += 1n;
      increment = 0n;
    }
  } else {
    increment = 0n;
  }
  lastTimestamp = timestamp;
  return ((timestamp << 22n) | (1n << 17n) | increment).toString();
}

/** True when the text looks like a Discord id. */
export function isSnowflake(text: string): boolean {
  return /^\d{17,20}$/.test(text);
}
