/** The environment variable that holds this test file's own database (set by file-database.ts). */
export const FILE_DATABASE_ENV = 'SMILE_VERIFY_TEST_DATABASE_URL';
