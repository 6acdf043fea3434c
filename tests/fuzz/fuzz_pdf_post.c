/*
 * fuzz_pdf_post.c: libFuzzer target for the rewrite of cairo's PDF
 * (views/pdf_post.c, rg_pdf_post_process): object renumbering, the join
 * of chunks into one structure tree, artifacts in the content streams,
 * links, the catalog's additions.  Its input is cairo's own output, and it
 * promises to parse it defensively: anything unexpected is RG_EENV with a
 * diagnostic, never a crash or a malformed file.
 *
 * Input: two bytes of parameters, then the PDF bytes.
 *   byte 0  n_links = byte % 5 (of four fixed link texts, one not ASCII)
 *   byte 1  bit 0: two chunks: the bytes are cut after the first "%%EOF"
 *           and its line end (or in the middle when there is none), the
 *           rest passed as info.more[0]; bits 1-2: the join's open depth
 *           (0..3), bits 3-4: reopened (modulo open + 1); bit 5: no
 *           figure_alt
 * Each chunk is written to this process's temporary file, opened "w+b"
 * like the renderer's, and rewritten in place.
 *
 * Properties: the call returns RG_OK or RG_EENV; RG_EENV comes with an
 * error diagnostic, RG_OK with none.  On RG_OK the file is a PDF that
 * rg_pdfdoc_open reads, and
 *  - every in-use cross-reference entry is its object (a stream: /Length
 *    bytes, then endstream), and every reference names an in-use object;
 *  - the catalog is 1 0 R with /Lang and /Metadata, the page tree 2 0 R
 *    with /Count its kids, each a /Page with /Tabs /S and a content stream;
 *    no key twice in a page or a link annotation (pdf_post adds to them);
 *  - the parent tree's keys increase and stay below /ParentTreeNextKey;
 *    the destinations' names are sorted (as written) and distinct;
 *  - in every page's content stream, every operator but the graphics
 *    state ones is inside marked content; marked content, q/Q and BT/ET
 *    nest (an /Artifact sequence crosses neither a q/Q pair nor a text
 *    object), and all are closed at the end.
 *
 * Seeds (corpus/pdf_post/seed-*): cairo 1.16's output before the rewrite,
 * copied at the rg_pdf_post_process breakpoint (gdb) from
 * `reportgen render BUILD/samples/NAME.zip --no-sign`: summary.pdf of
 * not-notified (no link) and kev-gaps (one link into report.pdf); with
 * RG_PDF_CHUNK_PAGES=1 the two chunks of late-remediation's summary.pdf
 * (a join with open 2, reopened 2) and the last two of gaps' report.pdf
 * (open 1, reopened 0), concatenated.  Each is prefixed with the two
 * parameter bytes that make the call succeed.  seed-minimal, the smallest
 * file in cairo's shape, is written by make-seeds.py.  regress-*: the
 * findings (test_regress.c says what each must give).
 */
#define _GNU_SOURCE /* memmem */
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <zlib.h>

#include "core/pdfobj.h"
#include "fuzz_common.h"
#include "views/pdf_doc.h"

#define PDF_MAX_INPUT (1 << 20)
#define INFLATE_MAX ((size_t)1 << 30) /* pdf_post inflates up to 256 MiB, then adds marks */

static char *const link_alt[4] = {
	"RA-1: reset the passwords",
	"(parentheses) and \\ backslash",
	"Caf\xc3\xa9 \xe2\x80\x94 \xf0\x9f\x94\x97 not ASCII",
	"",
};

static bool in_use(const struct rg_pdfdoc *d, struct rg_pdfref r)
{
	return r.num > 0 && r.num < d->size && d->off[r.num] != 0 && d->off[r.num] != SIZE_MAX &&
	       d->gen[r.num] == r.gen;
}

/* Every reference in value v names an in-use object of d. */
static void check_refs(const struct rg_pdfdoc *d, struct rg_span v, int depth)
{
	RG_FUZZ_CHECK(depth < 80);
	const char *p = rg_pdf_skip_ws(v.p, v.p + v.n);
	const char *pos = NULL;
	struct rg_span key, val;
	struct rg_pdfref ref;
	if (p + 1 < v.p + v.n && p[0] == '<' && p[1] == '<') {
		while (rg_pdf_dict_next(v, &pos, &key, &val))
			check_refs(d, val, depth + 1);
	} else if (p < v.p + v.n && *p == '[') {
		while (rg_pdf_array_next(v, &pos, &val))
			check_refs(d, val, depth + 1);
	} else if (rg_pdf_parse_ref(v, &ref)) {
		if (!in_use(d, ref))
			fprintf(stderr, "fuzz_pdf_post: reference %ld %ld R to no object\n", ref.num,
			        ref.gen);
		RG_FUZZ_CHECK(in_use(d, ref));
	}
}

static bool starts(const char *p, const char *end, const char *lit)
{
	size_t n = strlen(lit);
	return (size_t)(end - p) >= n && memcmp(p, lit, n) == 0;
}

/* Object num of the output: its value and, when it is a stream, its data
 * (exactly /Length bytes, then endstream). */
static struct rg_span check_object(const struct rg_pdfdoc *d, long num, struct rg_span *data)
{
	struct rg_pdfref ref = {num, d->gen[num]};
	struct rg_span v;
	RG_FUZZ_CHECK(rg_pdfdoc_object(d, ref, &v));
	check_refs(d, v, 0);
	const char *end = d->data + d->len, *p = rg_pdf_skip_ws(v.p + v.n, end);
	*data = (struct rg_span){NULL, 0};
	if (starts(p, end, "stream")) {
		p += 6;
		if (starts(p, end, "\r\n"))
			p++;
		RG_FUZZ_CHECK(starts(p, end, "\n"));
		p++;
		struct rg_span len, target;
		struct rg_pdfref lref;
		size_t n;
		RG_FUZZ_CHECK(rg_pdf_dict_get(v, "/Length", &len));
		if (rg_pdf_parse_ref(len, &lref))
			RG_FUZZ_CHECK(rg_pdfdoc_object(d, lref, &target) &&
			              rg_pdf_parse_uint(target, &n));
		else
			RG_FUZZ_CHECK(rg_pdf_parse_uint(len, &n));
		RG_FUZZ_CHECK(n <= (size_t)(end - p));
		*data = (struct rg_span){p, n};
		p = rg_pdf_skip_ws(p + n, end);
		if (!starts(p, end, "endstream"))
			fprintf(stderr, "fuzz_pdf_post: object %ld: /Length is not the stream's\n", num);
		RG_FUZZ_CHECK(starts(p, end, "endstream"));
		p = rg_pdf_skip_ws(p + 9, end);
	}
	RG_FUZZ_CHECK(starts(p, end, "endobj"));
	return v;
}

/* No key twice in dict (the entries pdf_post adds to pages and links). */
static void check_keys_once(struct rg_span dict)
{
	const char *pos = NULL, *pos2;
	struct rg_span key, key2, val;
	while (rg_pdf_dict_next(dict, &pos, &key, &val)) {
		pos2 = pos;
		while (rg_pdf_dict_next(dict, &pos2, &key2, &val)) {
			if (key.n == key2.n && memcmp(key.p, key2.p, key.n) == 0)
				fprintf(stderr, "fuzz_pdf_post: %.*s twice in a dictionary\n", (int)key.n,
				        key.p);
			RG_FUZZ_CHECK(key.n != key2.n || memcmp(key.p, key2.p, key.n) != 0);
		}
	}
}

static bool word_is(const char *p, size_t n, const char *w)
{
	return strlen(w) == n && memcmp(p, w, n) == 0;
}

static bool state_op(const char *p, size_t n)
{
	static const char *const ops[] = {"q", "Q", "cm", "w", "J", "j", "M", "d", "ri", "i",
	                                  "gs", "g", "G", "rg", "RG", "k", "K", "cs", "CS",
	                                  "sc", "SC", "scn", "SCN", NULL};
	for (int i = 0; ops[i]; i++)
		if (word_is(p, n, ops[i]))
			return true;
	return false;
}

/* A rewritten page content stream (decompressed): see the file comment. */
static void check_content(const char *s, size_t n)
{
	enum { DEPTH = 256 };
	struct {
		bool artifact;
		long q;
		bool text;
	} open[DEPTH];
	int depth = 0;
	long q = 0;
	bool text = false;
	const char *p = s, *end = s + n, *ops = NULL;
	bool artifact_name = false; /* the last operand is /Artifact */
	while ((p = rg_pdf_skip_ws(p, end)) < end) {
		const char *tok = p;
		if (!ops)
			ops = tok;
		bool word = !strchr("()<>[]{}/%0123456789+-.", *p);
		const char *e = p;
		while (word && e < end && !strchr("()<>[]{}/% \n\r\t\f", *e) && *e)
			e++;
		size_t len = (size_t)(e - p);
		if (!word || word_is(p, len, "true") || word_is(p, len, "false") ||
		    word_is(p, len, "null")) {
			p = rg_pdf_skip_object(p, end);
			RG_FUZZ_CHECK(p != NULL);
			artifact_name = word_is(tok, (size_t)(p - tok), "/Artifact");
			continue;
		}
		p = e;
		if (word_is(tok, len, "BDC") || word_is(tok, len, "BMC")) {
			RG_FUZZ_CHECK(depth < DEPTH);
			open[depth].artifact = word_is(tok, len, "BMC") && artifact_name;
			open[depth].q = q;
			open[depth].text = text;
			depth++;
		} else if (word_is(tok, len, "EMC")) {
			RG_FUZZ_CHECK(depth > 0);
			depth--;
			if (open[depth].artifact && (open[depth].q != q || open[depth].text != text))
				fprintf(stderr, "fuzz_pdf_post: an artifact crosses q/Q or BT/ET\n");
			RG_FUZZ_CHECK(!open[depth].artifact ||
			              (open[depth].q == q && open[depth].text == text));
		} else if (word_is(tok, len, "q")) {
			q++;
		} else if (word_is(tok, len, "Q")) {
			RG_FUZZ_CHECK(q > 0);
			q--;
		} else if (word_is(tok, len, "BT")) {
			RG_FUZZ_CHECK(!text);
			text = true;
		} else if (word_is(tok, len, "ET")) {
			RG_FUZZ_CHECK(text);
			text = false;
		}
		if (depth == 0 && !state_op(tok, len) && !word_is(tok, len, "EMC")) {
			fprintf(stderr, "fuzz_pdf_post: operator %.*s outside marked content\n",
			        (int)len, tok);
			RG_FUZZ_CHECK(false);
		}
		ops = NULL;
		artifact_name = false;
	}
	RG_FUZZ_CHECK(ops == NULL);
	RG_FUZZ_CHECK(depth == 0 && !text && q == 0);
}

static void check_page_content(struct rg_span data)
{
	z_stream z = {0};
	RG_FUZZ_CHECK(inflateInit(&z) == Z_OK);
	size_t cap = data.n * 4 + 4096, len = 0;
	char *out = malloc(cap);
	RG_FUZZ_CHECK(out != NULL);
	z.next_in = (Bytef *)data.p;
	z.avail_in = (uInt)data.n;
	int zr = Z_OK;
	while (zr != Z_STREAM_END) {
		if (len == cap) {
			RG_FUZZ_CHECK(cap < INFLATE_MAX);
			cap *= 2;
			out = realloc(out, cap);
			RG_FUZZ_CHECK(out != NULL);
		}
		z.next_out = (Bytef *)out + len;
		z.avail_out = (uInt)(cap - len);
		zr = inflate(&z, Z_NO_FLUSH);
		RG_FUZZ_CHECK(zr == Z_OK || zr == Z_STREAM_END);
		len = cap - z.avail_out;
		RG_FUZZ_CHECK(zr == Z_STREAM_END || z.avail_in > 0 || len == cap);
	}
	inflateEnd(&z);
	check_content(out, len);
	free(out);
}

/* The parent tree (4 0 R): keys in strictly increasing order, all below
 * the root's /ParentTreeNextKey; the names of the destinations (6 0 R)
 * sorted as written, each once. */
static void check_trees(const struct rg_pdfdoc *d)
{
	struct rg_span data, root, tree, nums, key, val, v;
	size_t next, k;
	long last = -1;
	const char *pos = NULL;
	root = check_object(d, 3, &data);
	RG_FUZZ_CHECK(rg_pdf_dict_get(root, "/ParentTreeNextKey", &v) &&
	              rg_pdf_parse_uint(v, &next));
	tree = check_object(d, 4, &data);
	RG_FUZZ_CHECK(rg_pdf_dict_get(tree, "/Nums", &nums));
	while (rg_pdf_array_next(nums, &pos, &key)) {
		RG_FUZZ_CHECK(rg_pdf_parse_uint(key, &k) && rg_pdf_array_next(nums, &pos, &val));
		if ((long)k <= last)
			fprintf(stderr, "fuzz_pdf_post: parent tree key %zu after %ld\n", k, last);
		RG_FUZZ_CHECK((long)k > last && k < next);
		last = (long)k;
	}
	struct rg_pdfref names = {6, 0};
	if (!in_use(d, names))
		return;
	struct rg_span prev = {NULL, 0};
	tree = check_object(d, 6, &data);
	RG_FUZZ_CHECK(rg_pdf_dict_get(tree, "/Names", &nums));
	pos = NULL;
	while (rg_pdf_array_next(nums, &pos, &key)) {
		RG_FUZZ_CHECK(*key.p == '(' && rg_pdf_array_next(nums, &pos, &val));
		if (prev.p) {
			size_t n = prev.n < key.n ? prev.n : key.n;
			int c = memcmp(prev.p, key.p, n);
			bool before = c < 0 || (c == 0 && prev.n < key.n);
			if (!before)
				fprintf(stderr, "fuzz_pdf_post: destination %.*s after %.*s\n",
				        (int)key.n, key.p, (int)prev.n, prev.p);
			RG_FUZZ_CHECK(before);
		}
		prev = key;
	}
}

/* The rewritten file: see the file comment. */
static void check_output(const char *data, size_t len)
{
	struct rg_pdfdoc d;
	char err[200];
	bool opened = rg_pdfdoc_open(&d, data, len, err, sizeof err);
	if (!opened)
		fprintf(stderr, "fuzz_pdf_post: the output does not open: %s\n", err);
	RG_FUZZ_CHECK(opened);
	RG_FUZZ_CHECK(d.root.num == 1 && d.root.gen == 0 && !d.encrypted && d.id0.p);
	if (d.info.p)
		check_refs(&d, d.info, 0);
	struct rg_span data_span, cat, pages, kids, kid, v;
	for (long num = 1; num < d.size; num++)
		if (d.off[num] != 0 && d.off[num] != SIZE_MAX)
			check_object(&d, num, &data_span);
	cat = check_object(&d, 1, &data_span);
	RG_FUZZ_CHECK(rg_pdf_dict_get(cat, "/Type", &v) && rg_pdf_name_is(v, "/Catalog"));
	RG_FUZZ_CHECK(rg_pdf_dict_get(cat, "/Pages", &v) && rg_pdf_name_is(v, "2 0 R"));
	RG_FUZZ_CHECK(rg_pdf_dict_get(cat, "/Lang", &v) && rg_pdf_dict_get(cat, "/Metadata", &v));
	check_trees(&d);
	pages = check_object(&d, 2, &data_span);
	RG_FUZZ_CHECK(rg_pdf_dict_get(pages, "/Kids", &kids));
	const char *pos = NULL;
	size_t n_pages = 0, count = 0;
	while (rg_pdf_array_next(kids, &pos, &kid)) {
		struct rg_pdfref ref, cref;
		RG_FUZZ_CHECK(rg_pdf_parse_ref(kid, &ref) && in_use(&d, ref));
		struct rg_span page = check_object(&d, ref.num, &data_span);
		RG_FUZZ_CHECK(rg_pdf_dict_get(page, "/Type", &v) && rg_pdf_name_is(v, "/Page"));
		RG_FUZZ_CHECK(rg_pdf_dict_get(page, "/Tabs", &v) && rg_pdf_name_is(v, "/S"));
		check_keys_once(page);
		struct rg_span annots, a, adict;
		struct rg_pdfref aref;
		const char *apos = NULL;
		if (rg_pdf_dict_get(page, "/Annots", &annots))
			while (rg_pdf_array_next(annots, &apos, &a))
				if (rg_pdf_parse_ref(a, &aref) && in_use(&d, aref)) {
					adict = check_object(&d, aref.num, &data_span);
					if (rg_pdf_dict_get(adict, "/Subtype", &v) &&
					    rg_pdf_name_is(v, "/Link"))
						check_keys_once(adict);
				}
		RG_FUZZ_CHECK(rg_pdf_dict_get(page, "/Contents", &v) && rg_pdf_parse_ref(v, &cref) &&
		              in_use(&d, cref));
		check_object(&d, cref.num, &data_span);
		RG_FUZZ_CHECK(data_span.p != NULL);
		check_page_content(data_span);
		n_pages++;
	}
	RG_FUZZ_CHECK(rg_pdf_dict_get(pages, "/Count", &v) && rg_pdf_parse_uint(v, &count) &&
	              count == n_pages && n_pages > 0);
	rg_pdfdoc_free(&d);
}

static FILE *chunk_file(const char *suffix, const uint8_t *data, size_t size)
{
	FILE *f = fopen(rg_fuzz_tmp_write(suffix, NULL, 0), "w+b");
	RG_FUZZ_CHECK(f != NULL);
	RG_FUZZ_CHECK(fwrite(data, 1, size, f) == size);
	return f;
}

static char *read_all(FILE *f, size_t *len)
{
	struct stat sb;
	RG_FUZZ_CHECK(fflush(f) == 0 && fstat(fileno(f), &sb) == 0);
	*len = (size_t)sb.st_size;
	char *buf = malloc(*len ? *len : 1);
	RG_FUZZ_CHECK(buf != NULL);
	RG_FUZZ_CHECK(pread(fileno(f), buf, *len, 0) == (ssize_t)*len);
	return buf;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 2 || size > PDF_MAX_INPUT)
		return 0;
	uint8_t b0 = data[0], b1 = data[1];
	data += 2;
	size -= 2;
	struct rg_pjoin join = {(b1 >> 1) & 3, 0};
	join.reopened = ((b1 >> 3) & 3) % (join.open + 1);
	size_t first = size;
	if (b1 & 1) {
		const uint8_t *eof = memmem(data, size, "%%EOF", 5);
		if (eof) {
			first = (size_t)(eof - data) + 5;
			while (first < size && (data[first] == '\n' || data[first] == '\r'))
				first++;
		} else {
			first = size / 2;
		}
	}
	FILE *fp = chunk_file(".pdf", data, first);
	FILE *more = first < size || (b1 & 1) ? chunk_file(".2.pdf", data + first, size - first)
	                                       : NULL;
	struct rg_pdf_post info = {
	    .lang = "en-US",
	    .title = "ED 24-02 report <&> \"x\"",
	    .author = "Example Agency",
	    .subject = "Emergency Directive 24-02",
	    .date = "2024-05-02T10:00:00Z",
	    .figure_alt = (b1 & 0x20) ? NULL : "A chart: 3 satisfied, 1 not satisfied",
	    .link_alt = link_alt,
	    .n_links = b0 % 5u,
	    .more = more ? &more : NULL,
	    .join = more ? &join : NULL,
	    .n_more = more ? 1 : 0,
	};
	struct rg_diags diags;
	rg_diags_init(&diags);
	rg_status st = rg_pdf_post_process(fp, "fuzz.pdf", &info, &diags);
	if (getenv("RG_FUZZ_VERBOSE")) {
		fprintf(stderr, "fuzz_pdf_post: %zu + %zu bytes, %s\n", first, size - first,
		        st == RG_OK ? "RG_OK" : "refused");
		rg_diags_print(stderr, &diags);
	}
	RG_FUZZ_CHECK(st == RG_OK || st == RG_EENV);
	RG_FUZZ_CHECK((st == RG_EENV) == rg_diags_has_errors(&diags));
	if (st == RG_OK) {
		size_t len;
		char *out = read_all(fp, &len);
		check_output(out, len);
		free(out);
	}
	rg_diags_free(&diags);
	fclose(fp);
	if (more)
		fclose(more);
	return 0;
}
