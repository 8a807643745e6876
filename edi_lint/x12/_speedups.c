/* The reader's fast path in C (optional: edi_lint/x12/reader.py works without it).
 *
 * segments(Segment, parts, sep, index, line, offset, line_start, step, one_a_line)
 * returns an iterator of Segment objects for the plain segments ``parts`` of one chunk
 * (see reader._plain_chunk), exactly as reader.py's Python loop makes them: each part
 * split at ``sep`` into its elements, the segment index counted on from ``index``, the
 * offset from ``offset`` (each part and ``step`` characters of terminator and newline),
 * the line counted on from ``line`` when segments stand one a line (column 1), else the
 * column counted from ``line_start``. The Segment objects are instances of the Python
 * class reader.Segment whose slots are filled directly (no __init__ call), one at a time
 * as the consumer asks, so that each is freed before the next is made.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <structmember.h>

static const char *SLOTS[] = {"tag", "elements", "index", "line", "col", "offset", "text"};
#define N_SLOTS 7
enum { TAG, ELEMENTS, INDEX, LINE, COL, OFFSET, TEXT };

static PyTypeObject *segment_type = NULL; /* reader.Segment, once prepare() has checked it */
static Py_ssize_t slot_offset[N_SLOTS];

typedef struct {
    PyObject_HEAD
    PyObject *parts; /* list of str */
    PyObject *sep;   /* str */
    Py_ssize_t i, index, line, offset, line_start, step;
    int one_a_line;
} SegmentsObject;

static void
segments_dealloc(SegmentsObject *self)
{
    Py_XDECREF(self->parts);
    Py_XDECREF(self->sep);
    Py_TYPE(self)->tp_free((PyObject *)self);
}

static PyObject *
segments_next(SegmentsObject *self)
{
    if (self->i >= PyList_GET_SIZE(self->parts))
        return NULL;
    PyObject *part = PyList_GET_ITEM(self->parts, self->i); /* borrowed */
    if (!PyUnicode_Check(part)) {
        PyErr_SetString(PyExc_TypeError, "segments: parts must be str");
        return NULL;
    }
    Py_ssize_t index = self->index + 1;
    Py_ssize_t col = self->one_a_line ? 1 : self->offset - self->line_start + 1;
    PyObject *values[N_SLOTS] = {NULL};
    values[ELEMENTS] = PyUnicode_Split(part, self->sep, -1);
    values[INDEX] = PyLong_FromSsize_t(index);
    values[LINE] = PyLong_FromSsize_t(self->line);
    values[COL] = PyLong_FromSsize_t(col);
    values[OFFSET] = PyLong_FromSsize_t(self->offset);
    PyObject *seg = NULL;
    if (values[ELEMENTS] && values[INDEX] && values[LINE] && values[COL] && values[OFFSET])
        seg = segment_type->tp_alloc(segment_type, 0);
    if (seg == NULL) {
        for (int k = 0; k < N_SLOTS; k++)
            Py_XDECREF(values[k]);
        return NULL;
    }
    values[TAG] = PyList_GET_ITEM(values[ELEMENTS], 0); /* split gives at least one */
    Py_INCREF(values[TAG]);
    values[TEXT] = part;
    Py_INCREF(part);
    for (int k = 0; k < N_SLOTS; k++) /* the new object's slots are NULL: no old value */
        *(PyObject **)((char *)seg + slot_offset[k]) = values[k];
    self->i++;
    self->index = index;
    self->offset += PyUnicode_GET_LENGTH(part) + self->step;
    if (self->one_a_line)
        self->line++;
    return seg;
}

static PyTypeObject SegmentsType = {
    PyVarObject_HEAD_INIT(NULL, 0)
    .tp_name = "edi_lint.x12._speedups.Segments",
    .tp_basicsize = sizeof(SegmentsObject),
    .tp_dealloc = (destructor)segments_dealloc,
    .tp_flags = Py_TPFLAGS_DEFAULT,
    .tp_doc = "The segments of one plain chunk, made one at a time.",
    .tp_iter = PyObject_SelfIter,
    .tp_iternext = (iternextfunc)segments_next,
};

/* prepare(Segment): check that the class has the seven object slots, note their offsets. */
static PyObject *
prepare(PyObject *module, PyObject *cls)
{
    if (!PyType_Check(cls)) {
        PyErr_SetString(PyExc_TypeError, "prepare: a class is needed");
        return NULL;
    }
    PyTypeObject *type = (PyTypeObject *)cls;
    for (int k = 0; k < N_SLOTS; k++) {
        PyObject *descr = PyDict_GetItemString(type->tp_dict, SLOTS[k]); /* borrowed */
        if (descr == NULL || !Py_IS_TYPE(descr, &PyMemberDescr_Type)) {
            PyErr_Format(PyExc_TypeError, "prepare: %s is not a slot", SLOTS[k]);
            return NULL;
        }
        PyMemberDef *member = ((PyMemberDescrObject *)descr)->d_member;
        if (member->type != T_OBJECT_EX || (member->flags & READONLY)) {
            PyErr_Format(PyExc_TypeError, "prepare: %s is not an object slot", SLOTS[k]);
            return NULL;
        }
        slot_offset[k] = member->offset;
    }
    Py_INCREF(cls);
    Py_XSETREF(segment_type, type);
    Py_RETURN_NONE;
}

static PyObject *
segments(PyObject *module, PyObject *args)
{
    PyObject *cls, *parts, *sep;
    Py_ssize_t index, line, offset, line_start, step;
    int one_a_line;
    if (!PyArg_ParseTuple(args, "OO!Unnnnnp", &cls, &PyList_Type, &parts, &sep, &index, &line,
                          &offset, &line_start, &step, &one_a_line))
        return NULL;
    if ((PyObject *)segment_type != cls) {
        PyErr_SetString(PyExc_TypeError, "segments: call prepare() with this class first");
        return NULL;
    }
    if (PyUnicode_GET_LENGTH(sep) == 0) {
        PyErr_SetString(PyExc_ValueError, "segments: empty separator");
        return NULL;
    }
    SegmentsObject *self = PyObject_New(SegmentsObject, &SegmentsType);
    if (self == NULL)
        return NULL;
    Py_INCREF(parts);
    Py_INCREF(sep);
    self->parts = parts;
    self->sep = sep;
    self->i = 0;
    self->index = index;
    self->line = line;
    self->offset = offset;
    self->line_start = line_start;
    self->step = step;
    self->one_a_line = one_a_line;
    return (PyObject *)self;
}

static PyMethodDef methods[] = {
    {"prepare", prepare, METH_O, "Check and remember the Segment class."},
    {"segments", segments, METH_VARARGS, "An iterator of the Segments of a plain chunk."},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module = {
    PyModuleDef_HEAD_INIT, "edi_lint.x12._speedups",
    "The reader's fast path in C (optional).", -1, methods,
};

PyMODINIT_FUNC
PyInit__speedups(void)
{
    if (PyType_Ready(&SegmentsType) < 0)
        return NULL;
    return PyModule_Create(&module);
}
