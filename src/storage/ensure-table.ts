import {
  CreateTableCommand,
  DescribeTableCommand,
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
 * Creates a table when it is missing, for development and tests (DYNAMODB_CREATE_TABLES=true).
 * Production tables come from the infrastructure stack, with their own protections.
 */
export async function ensureTable(client: DynamoDBClient, table: TableDefinition): Promise<'exists' | 'created'> {
  const TableName = table.create.TableName;
  try {
    await client.send(new DescribeTableCommand({ TableName }));
    return 'exists';
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
