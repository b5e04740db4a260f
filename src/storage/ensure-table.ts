import {
  CreateTableCommand,
  DescribeTableCommand,
  UpdateTableCommand,
  UpdateTimeToLiveCommand,
  waitUntilTableExists,
  type CreateTableCommandInput,
  type DynamoDBClient,
} from '@aws-sdk/client-dynamodb';

export interface TableDefinition {
  readonly create: CreateTableCommandInput;
  /** The attribute DynamoDB's TTL deletes expired items by (epoch seconds). */
  readonly ttlAttribute: string;
}

/**
 * Creates a table when it is missing, for development and tests (DYNAMODB_CREATE_TABLES=true),
 * and adds an index a newer Latchkey defines to a table an older one created. Production tables
 * come from the infrastructure stack, with their own protections.
 */
export async function ensureTable(client: DynamoDBClient, table: TableDefinition): Promise<'exists' | 'created' | 'indexed' | 'index missing'> {
  const TableName = table.create.TableName;
  try {
    const { Table } = await client.send(new DescribeTableCommand({ TableName }));
    const present = new Set((Table?.GlobalSecondaryIndexes ?? []).map((i) => i.IndexName));
    const missing = (table.create.GlobalSecondaryIndexes ?? []).filter((i) => !present.has(i.IndexName));
    for (const index of missing) {
      if (!(await addIndex(client, table, index))) return 'index missing';
    }
    return missing.length > 0 ? 'indexed' : 'exists';
  } catch (err) {
    if ((err as Error).name !== 'ResourceNotFoundException') throw err;
  }
  try {
    await client.send(new CreateTableCommand(table.create));
  } catch (err) {
    // Another instance created it first: fine.
    if ((err as Error).name !== 'ResourceInUseException') throw err;
  }
  await waitUntilTableExists({ client, maxWaitTime: 60, minDelay: 1 }, { TableName });
  try {
    await client.send(
      new UpdateTimeToLiveCommand({
        TableName,
        TimeToLiveSpecification: { AttributeName: table.ttlAttribute, Enabled: true },
      }),
    );
  } catch (err) {
    // Local stand-ins such as dynalite have no TTL; retention then simply does not run there.
    if ((err as Error).name !== 'UnknownOperationException') throw err;
  }
  return 'created';
}

/**
 * One index at a time, as DynamoDB allows, and back only once it can be queried; false when the
 * store took the request but made no index (dynalite does that: its table must be recreated).
 */
async function addIndex(client: DynamoDBClient, table: TableDefinition, index: NonNullable<CreateTableCommandInput['GlobalSecondaryIndexes']>[number]): Promise<boolean> {
  const TableName = table.create.TableName;
  const create = (extra: object) =>
    client.send(
      new UpdateTableCommand({
        TableName,
        AttributeDefinitions: table.create.AttributeDefinitions,
        GlobalSecondaryIndexUpdates: [{ Create: { IndexName: index.IndexName, KeySchema: index.KeySchema, Projection: index.Projection, ...extra } }],
      }),
    );
  try {
    await create({});
  } catch (err) {
    // dynalite (the sandbox's DynamoDB) wants a throughput even for an on-demand table, which
    // DynamoDB itself refuses; it ignores the number.
    if (!/provisionedThroughput/i.test((err as Error).message)) throw err;
    await create({ ProvisionedThroughput: { ReadCapacityUnits: 1, WriteCapacityUnits: 1 } });
  }
  for (let waited = 0; waited < 60_000; waited += 250) {
    const { Table } = await client.send(new DescribeTableCommand({ TableName }));
    const status = Table?.GlobalSecondaryIndexes?.find((i) => i.IndexName === index.IndexName)?.IndexStatus;
    if (status === undefined) return false;
    if (status === 'ACTIVE') return true;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`index ${index.IndexName} of ${TableName} did not become active within a minute`);
}
