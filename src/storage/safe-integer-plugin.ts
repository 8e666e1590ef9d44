import type {
  KyselyPlugin,
  PluginTransformQueryArgs,
  PluginTransformResultArgs,
  QueryResult,
  RootOperationNode,
  UnknownRow,
} from "kysely";

/**
 * Both drivers hand 64-bit integers over as BigInt (better-sqlite3 in safe-integer mode, pg through
 * our int8 parser). This plugin turns each into a number when it fits exactly and fails loudly when it
 * does not, so a balance can never be silently rounded.
 */
export class SafeIntegerPlugin implements KyselyPlugin {
  transformQuery(args: PluginTransformQueryArgs): RootOperationNode {
    return args.node;
  }

  async transformResult(args: PluginTransformResultArgs): Promise<QueryResult<UnknownRow>> {
    const { result } = args;
    for (const row of result.rows) {
      for (const [column, value] of Object.entries(row)) {
        if (typeof value === "bigint") row[column] = toSafeNumber(value, column);
      }
    }
    return result;
  }
}

export function toSafeNumber(value: bigint, what: string): number {
  if (value > BigInt(Number.MAX_SAFE_INTEGER) || value < BigInt(Number.MIN_SAFE_INTEGER)) {
    throw new RangeError(`${what} = ${value} does not fit in a JavaScript number without losing precision`);
  }
  return Number(value);
}
