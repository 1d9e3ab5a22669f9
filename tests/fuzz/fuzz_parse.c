/* libFuzzer target for the Erlang front end: scanner, preprocessor, parser, checker and the
 * abstract-format printer on arbitrary bytes taken as the text of a module. It must never
 * crash, hang, leak or overflow the stack; errors are fine. See README.md. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "lang/absform.h"
#include "lang/front.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    LangOptions o = {0};
    o.source = (const char *)data;
    o.source_len = size;
    o.no_include = 1;
    LangModule m;
    lang_parse_file("fuzz.erl", &o, &m);
    StrBuf sb = STRBUF_INIT;
    for (int i = 0; i < m.forms.n; i++) absform_print_form(&sb, m.forms.v[i]);
    sb_free(&sb);
    char *t = diags_text(&m.diags, 1);
    free(t);
    lang_module_free(&m);
    return 0;
}
