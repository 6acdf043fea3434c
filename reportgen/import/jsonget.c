/*
 * jsonget.c: reading fields out of json-c objects (see internal.h).
 *
 * The exports name the same datum in nested objects ("status.errorCode")
 * and sometimes as a number where another writes a string (resultType
 * "0" vs errorCode 0): these helpers take a dotted path and accept only
 * the type asked for, so a mapping never misreads an object as a string.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "import/internal.h"

json_object *rg_imp_jget(json_object *o, const char *key)
{
	json_object *v = NULL;
	if (!o || !json_object_is_type(o, json_type_object))
		return NULL;
	if (!json_object_object_get_ex(o, key, &v))
		return NULL;
	return v;
}

json_object *rg_imp_jpath(json_object *o, const char *path)
{
	char key[64];
	while (o && *path) {
		const char *dot = strchr(path, '.');
		size_t len = dot ? (size_t)(dot - path) : strlen(path);
		if (len >= sizeof key)
			return NULL;
		memcpy(key, path, len);
		key[len] = '\0';
		o = rg_imp_jget(o, key);
		path += len + (dot ? 1 : 0);
	}
	return o;
}

const char *rg_imp_jstr(json_object *o, const char *path, size_t *n)
{
	json_object *v = rg_imp_jpath(o, path);
	*n = 0;
	if (!v || !json_object_is_type(v, json_type_string))
		return NULL;
	*n = (size_t)json_object_get_string_len(v);
	return json_object_get_string(v);
}

bool rg_imp_jcode(json_object *o, const char *path, long long *code)
{
	json_object *v = rg_imp_jpath(o, path);
	if (!v)
		return false;
	if (json_object_is_type(v, json_type_int)) {
		*code = (long long)json_object_get_int64(v);
		return true;
	}
	if (!json_object_is_type(v, json_type_string))
		return false;
	const char *s = json_object_get_string(v);
	char *end;
	errno = 0;
	long long c = strtoll(s, &end, 10);
	if (errno || end == s || *end)
		return false;
	*code = c;
	return true;
}
