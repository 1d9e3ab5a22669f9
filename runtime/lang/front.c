#include "lang/front.h"

#include <string.h>
#include <unistd.h>

#include "lang/check.h"
#include "lang/parse.h"
#include "lang/pp.h"

/* compile:save_binary/2: with no other error, the module must be named as its file
 * ("x.beam: Module name 'y' does not match file name 'x'", no position) */
static void check_module_name(const char *path, LangModule *m)
{
    if (m->diags.errors || !m->name) return;
    const char *base = strrchr(path, '/');
    base = base ? base + 1 : path;
    size_t len = strlen(base);
    const char *dot = strrchr(base, '.');
    if (dot && dot != base) len = (size_t)(dot - base);
    if (strlen(m->name) == len && memcmp(m->name, base, len) == 0) return;
    /* erlc names the .beam it would write: in the current directory, absolute */
    char cwd[4096], beam[4700];
    if (!getcwd(cwd, sizeof cwd)) strcpy(cwd, ".");
    snprintf(beam, sizeof beam, "%s/%.*s.beam", cwd, (int)(len < 500 ? len : 500), base);
    diags_add(&m->diags, beam, 0, 0, DIAG_LINT, "module_name",
              "Module name '%s' does not match file name '%.*s'", m->name,
              (int)(len < 500 ? len : 500), base);
}

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
    if (!opt || !opt->no_check) {
        check_module(path, &m->forms, &m->arena, &m->diags);
        if (!opt || !opt->source || opt->check_module_name) check_module_name(path, m);
    }
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
