/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The kernel's XArray (lib/xarray.c), as far as kernel/ uses it: a sparse
 * array of pointers, loads and finds without a lock (entries are published
 * with a release store), stores under xa_lock. Here: a radix tree of six
 * levels of 64 slots over 36 bits of index (kradix.c); its interior nodes
 * are kept until xa_destroy(). kshim_xa_fail makes the next stores of an
 * entry through an xa_state fail with -ENOMEM (as xas_nomem() then
 * would); kshim_xa_entries counts the entries of every array.
 */
#ifndef _KSHIM_XARRAY_H
#define _KSHIM_XARRAY_H

#include "../kshim.h"

#define XA_FLAGS_LOCK_IRQ	1u
#define XA_PRESENT		0u

struct xarray {
	spinlock_t xa_lock;
	void *root;
};

extern int kshim_xa_fail;
extern long kshim_xa_entries;

void xa_init_flags(struct xarray *xa, unsigned int flags);
void *xa_load(struct xarray *xa, unsigned long index);
/* The first entry at or after *@index, up to @max, with its index; or NULL. */
void *xa_find(struct xarray *xa, unsigned long *index, unsigned long max,
	      unsigned int filter);
void xa_destroy(struct xarray *xa);
/* Store @entry at @index, the array's lock held. Returns the old entry. */
void *kshim_xa_store_locked(struct xarray *xa, unsigned long index, void *entry);

#define xa_lock(xa)	spin_lock(&(xa)->xa_lock)
#define xa_unlock(xa)	spin_unlock(&(xa)->xa_lock)

#define xa_for_each(xa, index, entry)					\
	for (index = 0, entry = xa_find(xa, &index, ULONG_MAX, XA_PRESENT);	\
	     entry;							\
	     entry = (++index ? xa_find(xa, &index, ULONG_MAX, XA_PRESENT) : NULL))

struct xa_state {
	struct xarray *xa;
	unsigned long xa_index;
	bool started;
	int err;
};

#define XA_STATE(name, array, index)					\
	struct xa_state name = { .xa = (array), .xa_index = (index) }

#define xas_lock(xas)	xa_lock((xas)->xa)
#define xas_unlock(xas)	xa_unlock((xas)->xa)
#define xas_lock_irqsave(xas, flags)	spin_lock_irqsave(&(xas)->xa->xa_lock, flags)
#define xas_unlock_irqrestore(xas, flags) spin_unlock_irqrestore(&(xas)->xa->xa_lock, flags)

static inline void *xas_load(struct xa_state *xas)
{
	return xa_load(xas->xa, xas->xa_index);
}

/* Nodes are allocated in xas_store() here; a failure is injected there. */
bool xas_nomem(struct xa_state *xas, gfp_t gfp);

static inline int xas_error(const struct xa_state *xas)
{
	return xas->err;
}

static inline void *kshim_xas_next(struct xa_state *xas, unsigned long max)
{
	if (xas->started) {
		if (xas->xa_index == max || !++xas->xa_index)
			return NULL;
	}
	xas->started = true;
	return xa_find(xas->xa, &xas->xa_index, max, XA_PRESENT);
}

#define xas_for_each(xas, entry, max)					\
	for (entry = kshim_xas_next(xas, max); entry; entry = kshim_xas_next(xas, max))

static inline void *xas_store(struct xa_state *xas, void *entry)
{
	if (entry && __atomic_load_n(&kshim_xa_fail, __ATOMIC_RELAXED) > 0 &&
	    __atomic_sub_fetch(&kshim_xa_fail, 1, __ATOMIC_RELAXED) >= 0) {
		xas->err = -ENOMEM;
		return NULL;
	}
	return kshim_xa_store_locked(xas->xa, xas->xa_index, entry);
}

#endif
