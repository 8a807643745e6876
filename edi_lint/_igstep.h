/* The 837P implementation-guide pass's per-segment step in C: what its three files share.
 *
 * _igstep.c: the Walker type and its step; _igstep_plan.c: the fast plans read against a
 * segment's elements (igfast.py builds them); _igstep_counts.c: the walk's counts and the
 * replay of a trace's count checks (igcounts.py).
 */
#ifndef EDI_LINT_IGSTEP_H
#define EDI_LINT_IGSTEP_H

#define PY_SSIZE_T_CLEAN
#include <Python.h>

/* the layout of the traces and plans this code reads: igfast.STEP_FORMAT must equal it, or
 * igcheck takes the Python step (a module built from older sources is never misread) */
#define IGSTEP_FORMAT 1

/* plan kinds and usages, as igfast.py numbers them */
enum { CODES, TEXT, NUM, REAL, DATE8, TIME, COMPOSITE, DTP, EMPTY };
enum { REQUIRED, OPTIONAL, NOT_USED };

/* interned attribute and method names, the problem codes (igcounts.SEG_CODES' keys), 1 */
typedef struct {
    PyObject *traces, *parent, *path, *usage, *max_use, *pos, *wrappers, *repeat, *trace,
        *segment_problem, *empty, *plan_for, *slow, *elements, *star, *code_1, *code_2,
        *code_2L, *code_3, *code_3L, *code_4, *code_5, *one;
} IgNames;
extern IgNames ig;

static inline Py_ssize_t
as_size(PyObject *tuple, Py_ssize_t i)
{
    return PyLong_AsSsize_t(PyTuple_GET_ITEM(tuple, i));
}

/* _igstep_plan.c */
void igplan_init(void);
int igplan_ok(PyObject *plan, PyObject *elements, Py_UCS4 sep);

/* _igstep_counts.c */
PyObject *igcounts_frame_of(PyObject *frames, PyObject *loop);
PyObject *igcounts_count_up(PyObject *frame, PyObject *path);
int igcounts_is_not_used(PyObject *node);
int igcounts_replay(PyObject *walker, PyObject *frames, PyObject *ops, PyObject *seg);

#endif
