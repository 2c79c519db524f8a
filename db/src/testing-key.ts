/** The data key of every test database (vitest configs, global set-ups). Public: never use it for real data. */
export const TEST_DATA_KEY = 'IxaQ17TLXFbB2GqNy1kqTxQYBoeLBYaiK0YSFOb/Nsc=';
