#include "lang/front.h"

#include <string.h>

#include "lang/check.h"
#include "lang/parse.h"
#include "lang/pp.h"

int lang_parse_file(const char *path, const LangOptions *opt, LangModule *m)
{
    memset(m, 0, sizeof *m);
    PpOptions po = {0};
    if (opt) {
        po.include_dirs = opt->include_dirs;
        po.n_include_dirs = opt->n_include_dirs;
        po.source = opt->source;
        po.source_len = opt->source_len;
        po.no_include = opt->no_include;
    }
    Pp *pp = pp_open(path, &po, &m->arena, &m->diags);
    if (!pp) return 0;
    for (;;) {
        const Token *toks;
        size_t n;
        const char *file;
        int line, col;
        if (pp_next(pp, &toks, &n, &file, &line, &col) == PP_EOF) {
            ast_push(&m->arena, &m->forms, ast_new(&m->arena, A_EOF, line, col));
            break;
        }
        Ast *f = parse_form(&m->arena, toks, n, file, &m->diags);
        if (!f) continue;
        if (f->kind == A_ATTRIBUTE && f->attr == ATTR_MODULE && !m->name) m->name = f->a->name;
        ast_push(&m->arena, &m->forms, f);
    }
    pp_close(pp);
    if (!opt || !opt->no_check) check_module(path, &m->forms, &m->arena, &m->diags);
    diags_sort(&m->diags);
    return m->diags.errors == 0;
}

void lang_module_free(LangModule *m)
{
    arena_free(&m->arena);
    diags_free(&m->diags);
    m->forms.v = NULL;
    m->forms.n = m->forms.cap = 0;
}
