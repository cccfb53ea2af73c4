// SPDX-License-Identifier: GPL-2.0
/*
 * kbuddy - pools offered to userspace: the ids /dev/kbuddy knows pools by,
 * and the references its buffers hold on a pool and on the pool's owner.
 *
 * kbuddy_pool_offer() gives a pool an id (the default pool is 1, offered at
 * load); KBUDDY_IOC_ALLOC and KBUDDY_IOC_POOL find it by that id. A buffer
 * holds a reference on its pool (pool->users) and on the module that
 * offered it (try_module_get()), taken in one step with the look-up under
 * the id table's lock, so that a withdraw or a destroy either sees the
 * buffer counted or makes the look-up fail: there is no window in which a
 * pool is found but not yet held.
 *
 * kbuddy_pool_withdraw() removes the id at once: no look-up finds the pool
 * after it returns (an allocation that found it before goes on, counted).
 * kbuddy_pool_destroy() refuses with -EAGAIN while buffers of the pool
 * exist, offered or withdrawn, and changes nothing: a buffer (and an
 * allocation under way) uses the pool and the memory under it, which its
 * owner may unmap once the destroy returned. A pool is therefore only ever
 * freed by its owner's destroy, never by a buffer's release.
 * kbuddy_pool_revoke() takes the memory back from the buffers (dmabuf.c)
 * so that the destroy can go on.
 *
 * An owner is held only once it is live: a module still in its init may
 * fail it and be freed whatever its reference count, so a look-up refuses
 * a pool whose owner is not MODULE_STATE_LIVE (yet). A module that goes
 * with a pool still offered (a failed init, an exit without a destroy) has
 * it withdrawn by kbuddy's module notifier, with a warning, so that no
 * look-up can reach a pool or an owner that is gone.
 *
 * Every look-up is under the id table's lock, never lockless: a pool is
 * erased from the table under that lock before its last reference can go,
 * so no reader can hold a pool being freed and no grace period is needed.
 * debugfs reads @offer_id only under kbuddy_pools_mutex, which the free
 * takes to unlist the pool.
 */

#include <linux/delay.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/notifier.h>
#include <linux/refcount.h>
#include <linux/string.h>
#include <linux/xarray.h>

#include "internal.h"

/*
 * Offered pools by id. Its lock (xa_lock) protects the look-up and the
 * references a buffer takes, against a withdraw or a destroy, which erase
 * under it; pools' @offer_id and @offer_owner change under it and under
 * kbuddy_offer_mutex together.
 */
static DEFINE_XARRAY_ALLOC1(kbuddy_offers);
/* Serializes offers and withdraws; protects kbuddy_offer_next. */
static DEFINE_MUTEX(kbuddy_offer_mutex);
/* The next id to try: ids are not reused soon, so a stale id misses. */
static u32 kbuddy_offer_next = KBUDDY_OFFER_DEFAULT_ID;

/**
 * kbuddy_pool_offer() - offer a pool's memory to userspace (/dev/kbuddy)
 * @pool: a KBUDDY_POOL_RAM or KBUDDY_POOL_IOMEM pool, not offered yet
 * @owner: the module that owns @pool (THIS_MODULE), pinned while buffers
 *	of @pool exist; NULL for code that is not a module
 *
 * Gives @pool an id by which KBUDDY_IOC_ALLOC allocates from it and
 * KBUDDY_IOC_POOL reports it (Documentation/device-memory.rst). Offering a
 * pool promises that its physical addresses are the CPU's: buffers are
 * mapped to userspace by them, with the pool's caching type (a RAM pool's
 * cached, or write-combined if created KBUDDY_POOL_WC; an iomem pool's as
 * its owner maps it: write-combined with KBUDDY_POOL_WC, else uncached).
 * Whoever may open /dev/kbuddy may then take all of the pool's free memory.
 * The pool may only be destroyed while no buffer of it exists
 * (kbuddy_pool_destroy() refuses with -EAGAIN), and @owner is refused as
 * a buffer's owner until its init has returned.
 *
 * Context: Process context; may sleep.
 * Return: the pool's id (1 or more); -EINVAL for a NULL pool or a
 * KBUDDY_POOL_NOMAP one (userspace could not map its memory); -EEXIST if
 * it is offered already; -ENOMEM; -EBUSY if every id is taken.
 */
int kbuddy_pool_offer(struct kbuddy_pool *pool, struct module *owner)
{
	u32 id;
	int err;

	if (IS_ERR_OR_NULL(pool)) {
		pr_err("%s(): no pool\n", __func__);
		return -EINVAL;
	}
	if (pool->kind == KBUDDY_POOL_NOMAP) {
		pr_err("pool %s: cannot be offered to userspace: a nomap pool has no memory userspace could map\n",
		       pool->name);
		return -EINVAL;
	}
	mutex_lock(&kbuddy_offer_mutex);
	if (pool->offer_id) {
		pr_err("pool %s: already offered as %u\n", pool->name,
		       pool->offer_id);
		err = -EEXIST;
		goto out;
	}
	/* The owner is set before a look-up can find the pool. */
	xa_lock(&kbuddy_offers);
	pool->offer_owner = owner;
	xa_unlock(&kbuddy_offers);
	err = xa_alloc_cyclic(&kbuddy_offers, &id, pool,
			      XA_LIMIT(KBUDDY_OFFER_DEFAULT_ID, INT_MAX),
			      &kbuddy_offer_next, GFP_KERNEL);
	if (err < 0) {
		xa_lock(&kbuddy_offers);
		pool->offer_owner = NULL;
		xa_unlock(&kbuddy_offers);
		pr_err("pool %s: no id to offer it by (%d)\n", pool->name, err);
		goto out;
	}
	xa_lock(&kbuddy_offers);
	WRITE_ONCE(pool->offer_id, id);
	xa_unlock(&kbuddy_offers);
	err = id;
	pr_info("pool %s: offered to userspace as pool %u\n", pool->name, id);
out:
	mutex_unlock(&kbuddy_offer_mutex);
	return err;
}
EXPORT_SYMBOL_GPL(kbuddy_pool_offer);

/* Take @pool out of the table; under kbuddy_offer_mutex and the xa_lock. */
static void offer_erase_locked(struct kbuddy_pool *pool)
{
	__xa_erase(&kbuddy_offers, pool->offer_id);
	WRITE_ONCE(pool->offer_id, 0);
	pool->offer_owner = NULL;
}

/**
 * kbuddy_pool_withdraw() - stop offering a pool to userspace
 * @pool: the pool; NULL, an ERR_PTR() or a pool not offered is ignored
 *
 * Once this returns, no look-up by the pool's id finds it: new
 * allocations from it are refused with ENOENT. Buffers already handed out
 * stay valid, each still holding the pool and its owner, and an allocation
 * that found the pool before the withdraw completes. The id is not
 * reused soon.
 *
 * Context: Process context; may sleep.
 */
void kbuddy_pool_withdraw(struct kbuddy_pool *pool)
{
	u32 id;

	if (IS_ERR_OR_NULL(pool))
		return;
	mutex_lock(&kbuddy_offer_mutex);
	id = pool->offer_id;
	if (id) {
		xa_lock(&kbuddy_offers);
		offer_erase_locked(pool);
		xa_unlock(&kbuddy_offers);
		pr_info("pool %s: withdrawn from userspace (was pool %u)\n",
			pool->name, id);
	}
	mutex_unlock(&kbuddy_offer_mutex);
}
EXPORT_SYMBOL_GPL(kbuddy_pool_withdraw);

/**
 * kbuddy_pool_revoke() - take a pool's memory back from its buffers
 * @pool: the pool; NULL or an ERR_PTR() is ignored
 *
 * For a driver whose memory goes away before its module does (remove() on
 * an unbind or a hot-unplug): withdraws @pool, waits for allocations from
 * it under way to finish, then revokes every buffer of it. A revoked
 * buffer's mappings are zapped - a process that touches one gets SIGBUS,
 * a new mmap() of it fails with ENODEV - its run goes back to the pool,
 * and it no longer holds the pool or pins the owner; its fd stays valid,
 * empty, until closed. Afterwards kbuddy_pool_destroy() succeeds and the
 * memory may go.
 *
 * A buffer a device has mapped (dma_buf_map_attachment()) cannot be taken
 * back from the device: then this refuses with -EBUSY and a message; the
 * pool stays withdrawn, and buffers revoked before the refusal stay so.
 * The caller owns @pool: no offer or destroy of it may run meanwhile.
 *
 * Context: Process context; may sleep.
 * Return: 0, or -EBUSY.
 */
int kbuddy_pool_revoke(struct kbuddy_pool *pool)
{
	unsigned int revoked = 0;
	int n;

	if (IS_ERR_OR_NULL(pool))
		return 0;
	kbuddy_pool_withdraw(pool);
	/*
	 * Withdrawn: @users only falls. What is above the pool's own
	 * reference is buffers, listed or about to be (an allocation under
	 * way lists its buffer or gives its reference back).
	 */
	while (refcount_read(&pool->users) > 1) {
		n = kbuddy_dev_revoke(pool);
		if (n < 0) {
			pr_err("pool %s: %u buffers of /dev/kbuddy revoked before the refusal\n",
			       pool->name, revoked);
			return n;
		}
		revoked += n;
		if (!n && refcount_read(&pool->users) > 1)
			usleep_range(500, 1000);
	}
	if (revoked)
		pr_info("pool %s: %u buffers of /dev/kbuddy revoked\n", pool->name,
			revoked);
	return 0;
}
EXPORT_SYMBOL_GPL(kbuddy_pool_revoke);

/**
 * kbuddy_pool_offer_id() - the id a pool is offered by
 * @pool: the pool
 *
 * Context: Any context; a snapshot.
 * Return: the id, or 0 if @pool is not offered.
 */
u32 kbuddy_pool_offer_id(struct kbuddy_pool *pool)
{
	return READ_ONCE(pool->offer_id);
}
EXPORT_SYMBOL_NS_GPL(kbuddy_pool_offer_id, KBUDDY_INTERNAL);

/*
 * Pin @owner for a buffer; under the id table's lock. A module in its init
 * (MODULE_STATE_COMING) is refused: try_module_get() would succeed, but a
 * failed init frees the module whatever its count. module_is_live() is
 * true while coming (on 6.1 and 6.12 alike), so the state is read here.
 */
static bool offer_owner_get(struct module *owner)
{
#ifdef CONFIG_MODULES
	if (owner && READ_ONCE(owner->state) != MODULE_STATE_LIVE)
		return false;
#endif
	return try_module_get(owner);
}

/**
 * kbuddy_offer_get() - the offered pool of an id, held for a new buffer
 * @id: the id; 0 for the default pool
 * @owner: set to the module to module_put() with kbuddy_offer_put()
 *
 * Context: Process context.
 * Return: the pool, with a reference on it and on its owner; or
 * ERR_PTR(-ENOENT) if no pool is offered by @id, or its owner is not live
 * (still in its init, or going).
 */
struct kbuddy_pool *kbuddy_offer_get(u64 id, struct module **owner)
{
	struct kbuddy_pool *pool;

	if (!id)
		id = KBUDDY_OFFER_DEFAULT_ID;
	if (id > INT_MAX)
		return ERR_PTR(-ENOENT);
	xa_lock(&kbuddy_offers);
	pool = xa_load(&kbuddy_offers, id);
	if (pool && offer_owner_get(pool->offer_owner)) {
		refcount_inc(&pool->users);
		*owner = pool->offer_owner;
	} else {
		pool = NULL;
	}
	xa_unlock(&kbuddy_offers);
	return pool ?: ERR_PTR(-ENOENT);
}
EXPORT_SYMBOL_NS_GPL(kbuddy_offer_get, KBUDDY_INTERNAL);

/**
 * kbuddy_offer_put() - drop what kbuddy_offer_get() took
 * @pool: the pool
 * @owner: the module kbuddy_offer_get() set
 *
 * Never the last reference: the pool's own stays until its destroy, which
 * is refused while a buffer holds it.
 *
 * Context: Any context.
 */
void kbuddy_offer_put(struct kbuddy_pool *pool, struct module *owner)
{
	refcount_dec(&pool->users);
	/* Last: the owner may destroy the pool once it may go. */
	module_put(owner);
}
EXPORT_SYMBOL_NS_GPL(kbuddy_offer_put, KBUDDY_INTERNAL);

/**
 * kbuddy_offer_find() - describe an offered pool
 * @id: the id (0 for the default pool); with @after, the pool with the
 *	next larger id (0 for the first)
 * @after: look for the next id rather than @id itself
 * @out: filled in
 *
 * Context: Process context.
 * Return: 0, or -ENOENT if there is no such pool.
 */
int kbuddy_offer_find(u64 id, bool after, struct kbuddy_offered *out)
{
	unsigned long index = id;
	struct kbuddy_pool *pool;

	if (!id && !after)
		index = KBUDDY_OFFER_DEFAULT_ID;
	if (id > INT_MAX)
		return -ENOENT;
	xa_lock(&kbuddy_offers);
	if (after)
		pool = xa_find_after(&kbuddy_offers, &index, INT_MAX, XA_PRESENT);
	else
		pool = xa_load(&kbuddy_offers, index);
	if (pool) {
		out->id = index;
		out->kind = pool->kind;
		out->wc = pool->wc;
		out->nr_pages = kbuddy_pool_total_pages(pool);
		out->nr_free = kbuddy_pool_free_pages(pool);
		strscpy(out->name, pool->name, sizeof(out->name));
	}
	xa_unlock(&kbuddy_offers);
	return pool ? 0 : -ENOENT;
}
EXPORT_SYMBOL_NS_GPL(kbuddy_offer_find, KBUDDY_INTERNAL);

/**
 * kbuddy_offer_destroy() - take a pool being destroyed out of the table
 * @pool: the pool
 *
 * Context: Process context; may sleep.
 * Return: 0 if the pool may go: no buffer of it exists, and it is not
 * offered now (nor can it be found and held any more); -EAGAIN, with a
 * message and nothing changed, while buffers of it exist.
 */
int kbuddy_offer_destroy(struct kbuddy_pool *pool)
{
	unsigned int bufs;
	u32 id;

	mutex_lock(&kbuddy_offer_mutex);
	/*
	 * Under the table's lock: a look-up takes its reference under it, so
	 * an offered pool is erased only with no buffer counted. A pool not
	 * offered gains no reference, so its count only falls.
	 */
	xa_lock(&kbuddy_offers);
	id = pool->offer_id;
	bufs = refcount_read(&pool->users) - 1;
	if (!bufs && id)
		offer_erase_locked(pool);
	xa_unlock(&kbuddy_offers);
	mutex_unlock(&kbuddy_offer_mutex);
	if (bufs) {
		pr_err("pool %s: not destroyed: %u buffers of /dev/kbuddy outstanding (%s); retry once they are gone\n",
		       pool->name, bufs, id ? "offered" : "withdrawn");
		return -EAGAIN;
	}
	return 0;
}

/* A module going with pools still offered: withdraw them, with a warning. */
static int offer_module_notify(struct notifier_block *nb, unsigned long action,
			       void *data)
{
	if (action == MODULE_STATE_GOING)
		kbuddy_offer_module_going(data);
	return NOTIFY_DONE;
}

/**
 * kbuddy_offer_module_going() - withdraw the pools a going module offered
 * @owner: the module
 *
 * Called by the module notifier (and by the tests): no buffer of such a
 * pool exists (each pins @owner, and none is taken before @owner is
 * live; a forced unload, rmmod -f, breaks every such promise), so only
 * the ids are left to take away.
 *
 * Context: Process context; may sleep.
 */
void kbuddy_offer_module_going(struct module *owner)
{
	struct kbuddy_pool *pool;
	unsigned long id;

	if (!owner)
		return;
	mutex_lock(&kbuddy_offer_mutex);
	xa_lock(&kbuddy_offers);
	xa_for_each(&kbuddy_offers, id, pool) {
		if (pool->offer_owner != owner)
			continue;
		pr_warn("pool %s: its owner %s is going with the pool still offered as pool %lu: withdrawn\n",
			pool->name, module_name(owner), id);
		offer_erase_locked(pool);
	}
	xa_unlock(&kbuddy_offers);
	mutex_unlock(&kbuddy_offer_mutex);
}
EXPORT_SYMBOL_NS_GPL(kbuddy_offer_module_going, KBUDDY_INTERNAL);

static struct notifier_block offer_module_nb = {
	.notifier_call = offer_module_notify,
};

/**
 * kbuddy_offer_init() - watch modules going with offered pools
 *
 * Context: Process context, at load.
 * Return: 0 or a negative errno.
 */
int kbuddy_offer_init(void)
{
	return register_module_notifier(&offer_module_nb);
}

/**
 * kbuddy_offer_exit() - stop watching modules
 *
 * Context: Process context, at unload.
 */
void kbuddy_offer_exit(void)
{
	unregister_module_notifier(&offer_module_nb);
}
