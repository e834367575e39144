// First import of the entry: what must hold before any other module runs under the CSP. It
// imports zod's settings alone (not the schemas of @grid141/shared, which zod compiles as they
// are made), so it runs before the first schema exists.
import { validateWithoutEval } from '@grid141/shared/csp';

validateWithoutEval();
