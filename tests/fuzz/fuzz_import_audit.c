/*
 * fuzz_import_audit.c: libFuzzer target for `reportgen import audit`
 * (import/import.h): directory audits and unified audit log records, as
 * JSON or the AuditData CSV.  Properties: fuzz_import_common.h.
 */
#include "fuzz_import_common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fuzz_import(RG_IMPORT_AUDIT, data, size);
	return 0;
}
