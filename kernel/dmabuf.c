// SPDX-License-Identifier: GPL-2.0
/*
 * kbuddy - /dev/kbuddy: buffers of the pools offered to userspace, as
 * dma-buf file descriptors (include/uapi/kbuddy.h).
 *
 * KBUDDY_IOC_ALLOC takes a pool's id (offer.c; 0 for the default pool), a
 * size and kbuddy_alloc_contig()'s constraints and returns a dma-buf of a
 * zeroed run of that pool; KBUDDY_IOC_POOL describes the offered pools. The
 * buffer can be mmap()ed (MAP_SHARED), passed to other processes, and
 * attached by devices (their DMA address through the DMA API); it is freed
 * when its last reference goes, whoever holds it and however the holder
 * ends. Each open of the device may hold at most dev_limit bytes of
 * buffers, counted until each buffer is gone (a buffer outlives the open
 * that made it if its fd was passed on). Who may open the device is its
 * node's business: 0600 root by default (dev_mode=), a group by a udev rule
 * (Documentation/device-memory.rst).
 *
 * How a buffer is mapped follows its pool's kind, so that userspace never
 * maps memory with another caching type than the kernel's mapping of it:
 *  - a RAM pool's memory kbuddy mapped itself (a memmap= range, memremap()ed
 *    write-back, or the kernel's pages in the linear map) is mapped
 *    cached; KBUDDY_BUF_WC is refused with EOPNOTSUPP: a write-combined
 *    alias of write-back RAM needs the kernel's mapping changed too. A
 *    pool created with KBUDDY_POOL_WC has its memmap= ranges memremap()ed
 *    write-combined instead, and its linear-map pages switched with
 *    set_memory_wc() (pool.c), and its buffers are mapped write-combined.
 *    A run in memory a module added with kbuddy_pool_add_mem() to a pool
 *    without KBUDDY_POOL_WC is refused with ENODEV: that memory may be
 *    vmalloc()ed or at a bus address, not RAM at its physical one (a
 *    write-combined pool takes only the linear map's RAM).
 *  - an iomem pool's memory is mapped with the type its owner maps it
 *    with: write-combined in a pool created with KBUDDY_POOL_WC,
 *    as ioremap() does otherwise (pgprot_device()), whatever the request
 *    says (a mismatched alias is unpredictable on arm64, and x86's PAT
 *    would only override it); the reply's flags have KBUDDY_BUF_WC set
 *    exactly when the buffer is write-combined. The memory is zeroed with
 *    memset_io(); the offering module has promised (kbuddy_pool_offer())
 *    that its physical addresses are the CPU's.
 *  - a nomap pool cannot be offered.
 *
 * A buffer holds a reference to this module (the dma-buf's owner), to its
 * pool and to the module that offered the pool (offer.c), so that none of
 * them goes away under it - until kbuddy_pool_revoke() takes its memory
 * away: its mappings are zapped, a fault or a new mmap() of it then fails
 * (SIGBUS, ENODEV), its run goes back to the pool, and it lets go of the
 * pool and the owner. The fd stays valid, and empty, until it is closed.
 * Userspace mappings are therefore filled by faults, not at mmap(): a
 * fault checks the buffer under kbuddy_bufs_mutex, so a page is mapped
 * only while the buffer is not revoked, and the revoke's zap reaches every
 * page mapped before (a mapping filled in mmap() could still be joining
 * the file's mappings, out of the zap's sight). A device attachment mapped
 * when the revoke comes cannot be taken back from the device: the revoke
 * is then refused.
 */

#include <linux/dma-buf.h>
#include <linux/dma-mapping.h>
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/miscdevice.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/scatterlist.h>
#include <linux/sizes.h>
#include <linux/slab.h>
#include <linux/srcu.h>
#include <linux/uaccess.h>

#include "compat.h"
#include "internal.h"
#include "uapi/kbuddy.h"

static unsigned int dev_mode = 0600;
module_param(dev_mode, uint, 0444);
MODULE_PARM_DESC(dev_mode,
		 "Permissions of /dev/kbuddy (default 0600: root only; a udev rule can give a group access)");

static unsigned long dev_limit = 64UL << 20;
module_param(dev_limit, ulong, 0444);
MODULE_PARM_DESC(dev_limit,
		 "Bytes of buffers one open of /dev/kbuddy may hold at once (default 64 MiB)");

/*
 * What one open of the device holds: @used bytes of buffers, changed with
 * atomic64 operations; freed with the last buffer or the file, whichever
 * goes last (@ref).
 */
struct kbuddy_dev_file {
	struct kref ref;
	atomic64_t used;
};

/*
 * Every buffer that exists (kbuddy_bufs), for kbuddy_pool_revoke(). The
 * mutex protects the list and each buffer's @node, @held, @revoked and
 * @nr_maps; taken after a dma-buf's reservation lock (attachments), never
 * before it, and never held while waiting for anything but allocations.
 * Faults read @revoked under kbuddy_bufs_srcu, which a revoke waits for
 * between marking buffers revoked and zapping their mappings.
 */
static DEFINE_MUTEX(kbuddy_bufs_mutex);
static LIST_HEAD(kbuddy_bufs);
DEFINE_STATIC_SRCU(kbuddy_bufs_srcu);

/*
 * What a buffer holds until it is freed or revoked: its run, its pool and
 * the pool's owner (kbuddy_offer_get()), and the inode of its dma-buf's
 * file, whose mapping every userspace mapping of it is in (held because
 * the file may be gone before the release that unlists the buffer: then
 * nothing maps it). Whoever takes it from the buffer, under the mutex,
 * gives it all back: the release, or a revoke.
 */
struct kbuddy_buf_held {
	struct list_head node;
	struct kbuddy_pool *pool;
	struct module *pool_owner;
	struct kbuddy_contig run;
	struct inode *inode;
};

/*
 * One buffer: a run of an offered pool, exported once. @run, @iomem and
 * @wc are fixed at creation (faults and attachments read them; @run stays
 * as it was after a revoke, no longer the buffer's); @held is NULL once
 * revoked.
 */
struct kbuddy_buf {
	struct kbuddy_buf_held *held;
	struct kbuddy_contig run;
	struct kbuddy_dev_file *owner;
	struct list_head node;
	unsigned int nr_maps;
	bool revoked;
	bool iomem;
	bool wc;
};

/* Is @buf I/O memory (no struct pages to use, uncached or WC)? */
static bool buf_is_iomem(const struct kbuddy_buf *buf)
{
	return buf->iomem;
}

static void dev_file_release(struct kref *ref)
{
	kfree(container_of(ref, struct kbuddy_dev_file, ref));
}

static void dev_file_put(struct kbuddy_dev_file *df)
{
	kref_put(&df->ref, dev_file_release);
}

/* ==== The dma-buf ======================================================== */

static struct sg_table *buf_map(struct dma_buf_attachment *at,
				enum dma_data_direction dir)
{
	struct kbuddy_buf *buf = at->dmabuf->priv;
	struct sg_table *sgt;
	unsigned int i;
	int err;

	unsigned int seg = min_t(unsigned int, dma_get_max_seg_size(at->dev),
				 UINT_MAX & PAGE_MASK);
	unsigned long off;
	struct scatterlist *sg;

	/* Counted first: a revoke from here on is refused. */
	mutex_lock(&kbuddy_bufs_mutex);
	if (buf->revoked) {
		mutex_unlock(&kbuddy_bufs_mutex);
		return ERR_PTR(-ENODEV);
	}
	buf->nr_maps++;
	mutex_unlock(&kbuddy_bufs_mutex);
	sgt = kzalloc(sizeof(*sgt), GFP_KERNEL);
	if (!sgt) {
		err = -ENOMEM;
		goto err_count;
	}
	if (!buf_is_iomem(buf) && pfn_valid(PHYS_PFN(buf->run.phys))) {
		/* Segments no longer than the device takes. */
		seg = max_t(unsigned int, seg & PAGE_MASK, PAGE_SIZE);
		err = sg_alloc_table(sgt, DIV_ROUND_UP(buf->run.size, seg), GFP_KERNEL);
		if (err)
			goto err_free;
		off = 0;
		for_each_sgtable_sg(sgt, sg, i) {
			unsigned int len = min_t(size_t, seg, buf->run.size - off);

			sg_set_page(sg, pfn_to_page(PHYS_PFN(buf->run.phys + off)), len, 0);
			off += len;
		}
		err = dma_map_sgtable(at->dev, sgt, dir, 0);
		if (err)
			goto err_table;
		return sgt;
	}
	/* Memory without struct pages: the device gets the physical range. */
	err = sg_alloc_table(sgt, 1, GFP_KERNEL);
	if (err)
		goto err_free;
	sg_dma_address(sgt->sgl) = dma_map_resource(at->dev, buf->run.phys,
						    buf->run.size, dir, 0);
	if (dma_mapping_error(at->dev, sg_dma_address(sgt->sgl))) {
		err = -ENOMEM;
		goto err_table;
	}
	sg_dma_len(sgt->sgl) = buf->run.size;
	sgt->nents = 1;
	return sgt;

err_table:
	sg_free_table(sgt);
err_free:
	kfree(sgt);
err_count:
	mutex_lock(&kbuddy_bufs_mutex);
	buf->nr_maps--;
	mutex_unlock(&kbuddy_bufs_mutex);
	return ERR_PTR(err);
}

static void buf_unmap(struct dma_buf_attachment *at, struct sg_table *sgt,
		      enum dma_data_direction dir)
{
	struct kbuddy_buf *buf = at->dmabuf->priv;

	if (!buf_is_iomem(buf) && pfn_valid(PHYS_PFN(buf->run.phys)))
		dma_unmap_sgtable(at->dev, sgt, dir, 0);
	else
		dma_unmap_resource(at->dev, sg_dma_address(sgt->sgl),
				   buf->run.size, dir, 0);
	sg_free_table(sgt);
	kfree(sgt);
	mutex_lock(&kbuddy_bufs_mutex);
	buf->nr_maps--;
	mutex_unlock(&kbuddy_bufs_mutex);
}

/* Give back what a buffer held (a release's or a revoke's). */
static void buf_held_put(struct kbuddy_buf_held *held)
{
	if (kbuddy_free_contig(held->pool, &held->run))
		pr_err("dma-buf of %zu bytes at %pa: its run was refused when freed\n",
		       held->run.size, &held->run.phys);
	kbuddy_offer_put(held->pool, held->pool_owner);
	iput(held->inode);
	kfree(held);
}

static void buf_release(struct dma_buf *dmabuf)
{
	struct kbuddy_buf *buf = dmabuf->priv;
	struct kbuddy_buf_held *held;

	atomic64_sub(buf->run.size, &buf->owner->used);
	dev_file_put(buf->owner);
	mutex_lock(&kbuddy_bufs_mutex);
	list_del(&buf->node);
	/* NULL if a revoke took it (and gives it back). */
	held = buf->held;
	buf->held = NULL;
	mutex_unlock(&kbuddy_bufs_mutex);
	if (held)
		buf_held_put(held);
	kfree(buf);
}

/* Pages one fault maps: the 2 MiB around it, within the vma. */
#define BUF_FAULT_AROUND	SZ_2M

/*
 * A fault on a mapping of @buf: its page, and those around it not yet
 * mapped, only while @buf is not revoked, in an SRCU read section that a
 * revoke waits for after marking the buffer revoked and before zapping
 * its mappings: every page mapped here is zapped, or was never mapped.
 * The vma holds the dma-buf's file, so @buf outlives it.
 */
static vm_fault_t buf_fault(struct vm_fault *vmf)
{
	struct vm_area_struct *vma = vmf->vma;
	struct kbuddy_buf *buf = vma->vm_private_data;
	unsigned long pages = buf->run.size >> PAGE_SHIFT;
	unsigned long pfn = PHYS_PFN(buf->run.phys);
	unsigned long addr, start, end;
	vm_fault_t ret = VM_FAULT_SIGBUS;
	int idx;

	idx = srcu_read_lock(&kbuddy_bufs_srcu);
	if (READ_ONCE(buf->revoked) || vmf->pgoff >= pages)
		goto out;
	ret = vmf_insert_pfn_prot(vma, vmf->address, pfn + vmf->pgoff,
				  vma->vm_page_prot);
	if (ret & VM_FAULT_ERROR)
		goto out;
	start = max(vma->vm_start, ALIGN_DOWN(vmf->address, BUF_FAULT_AROUND));
	end = min(vma->vm_end, start + BUF_FAULT_AROUND);
	for (addr = start; addr < end; addr += PAGE_SIZE) {
		unsigned long off = vma->vm_pgoff + ((addr - vma->vm_start) >> PAGE_SHIFT);

		/* A page mapped already is left as it is (VM_FAULT_NOPAGE). */
		if (addr == vmf->address || off >= pages)
			continue;
		if (vmf_insert_pfn_prot(vma, addr, pfn + off, vma->vm_page_prot) &
		    VM_FAULT_ERROR)
			break;
	}
out:
	srcu_read_unlock(&kbuddy_bufs_srcu, idx);
	return ret;
}

static const struct vm_operations_struct buf_vm_ops = {
	.fault = buf_fault,
};

static int buf_mmap(struct dma_buf *dmabuf, struct vm_area_struct *vma)
{
	struct kbuddy_buf *buf = dmabuf->priv;
	unsigned long len = vma->vm_end - vma->vm_start;
	unsigned long pages = buf->run.size >> PAGE_SHIFT;

	/* dma_buf_mmap_internal() checked the range against the size. */
	if (vma->vm_pgoff >= pages || len >> PAGE_SHIFT > pages - vma->vm_pgoff)
		return -EINVAL;
	/* A private mapping's writes would never reach the buffer. */
	if (!(vma->vm_flags & VM_SHARED))
		return -EINVAL;
	/* A hint only: a revoke after this is the fault's to see. */
	if (READ_ONCE(buf->revoked))
		return -ENODEV;
	if (buf->wc)
		vma->vm_page_prot = pgprot_writecombine(vma->vm_page_prot);
	else if (buf_is_iomem(buf))
		vma->vm_page_prot = pgprot_device(vma->vm_page_prot);
	/*
	 * PFNs without struct page refcounting, out of GUP's reach; never
	 * grown, never dumped. A fork copies the page table entries, which
	 * the revoke's zap reaches as the parent's.
	 */
	vm_flags_set(vma, VM_PFNMAP | VM_IO | VM_DONTEXPAND | VM_DONTDUMP);
	vma->vm_ops = &buf_vm_ops;
	vma->vm_private_data = buf;
	return 0;
}

static const struct dma_buf_ops kbuddy_buf_ops = {
	.map_dma_buf = buf_map,
	.unmap_dma_buf = buf_unmap,
	.release = buf_release,
	.mmap = buf_mmap,
};

/**
 * kbuddy_dev_revoke() - take the memory of a pool's buffers away
 * @pool: the pool
 *
 * Every buffer of @pool listed now: marked revoked, and what it held taken
 * from it; then, once no fault that saw it unrevoked is still mapping
 * pages (synchronize_srcu()), its userspace mappings zapped, its run freed
 * and its references on the pool and its owner dropped. Refused, with
 * nothing changed, while a device has any of them mapped
 * (dma_buf_map_attachment()): its DMA could still reach the memory.
 *
 * Context: Process context; may sleep.
 * Return: the number of buffers revoked, or -EBUSY.
 */
int kbuddy_dev_revoke(struct kbuddy_pool *pool)
{
	struct kbuddy_buf_held *held, *tmp;
	struct kbuddy_buf *buf;
	LIST_HEAD(taken);
	phys_addr_t phys;
	size_t size;
	int n = 0;

	mutex_lock(&kbuddy_bufs_mutex);
	list_for_each_entry(buf, &kbuddy_bufs, node) {
		if (!buf->held || buf->held->pool != pool || !buf->nr_maps)
			continue;
		phys = buf->run.phys;
		size = buf->run.size;
		mutex_unlock(&kbuddy_bufs_mutex);
		pr_err("pool %s: not revoked: a device has a buffer of %zu bytes at %pa mapped\n",
		       pool->name, size, &phys);
		return -EBUSY;
	}
	list_for_each_entry(buf, &kbuddy_bufs, node) {
		if (!buf->held || buf->held->pool != pool)
			continue;
		WRITE_ONCE(buf->revoked, true);
		list_add_tail(&buf->held->node, &taken);
		buf->held = NULL;
		n++;
	}
	mutex_unlock(&kbuddy_bufs_mutex);
	/* No fault maps a page of them from here: zap those mapped. */
	synchronize_srcu(&kbuddy_bufs_srcu);
	list_for_each_entry_safe(held, tmp, &taken, node) {
		unmap_mapping_range(held->inode->i_mapping, 0, 0, 1);
		buf_held_put(held);
	}
	return n;
}

/* ==== The device ========================================================= */

static int dev_open(struct inode *inode, struct file *file)
{
	struct kbuddy_dev_file *df = kzalloc(sizeof(*df), GFP_KERNEL);

	if (!df)
		return -ENOMEM;
	kref_init(&df->ref);
	atomic64_set(&df->used, 0);
	file->private_data = df;
	return 0;
}

static int dev_release(struct inode *inode, struct file *file)
{
	dev_file_put(file->private_data);
	return 0;
}

/*
 * May @c be mapped to userspace at its physical address? In an iomem pool,
 * yes (the offer promised it). In a RAM pool, memory kbuddy mapped itself
 * (a memmap= range or the kernel's pages), and memory a module added with
 * kbuddy_pool_add_mem() only in a write-combined pool (which checked it is
 * RAM at its physical address); elsewhere it may be vmalloc()ed or at a
 * bus address. Checked on the run itself: memory may be added to a pool at
 * any time.
 */
static bool run_mappable(struct kbuddy_pool *pool, const struct kbuddy_contig *c)
{
	struct kbuddy_region *r = kbuddy_region_of_phys(pool, c->phys);

	if (!r)
		return false;
	/*
	 * A write-combined pool took memory of kbuddy_pool_add_mem() only if
	 * it was System RAM in the linear map at its physical address.
	 */
	return r->kind == KBUDDY_REGION_PHYS || r->kind == KBUDDY_REGION_PAGES ||
	       r->kind == KBUDDY_REGION_IOMEM ||
	       (r->kind == KBUDDY_REGION_MEM && pool->wc);
}

/*
 * The buffer of a checked request: a zeroed run of the pool @arg->pool as
 * a listed dma-buf, counted against @df. @arg->size and @arg->flags are
 * set as the reply gives them.
 */
static struct dma_buf *buf_create(struct kbuddy_dev_file *df,
				  struct kbuddy_buf_alloc *arg)
{
	DEFINE_DMA_BUF_EXPORT_INFO(exp);
	struct module *pool_owner;
	struct kbuddy_pool *pool;
	struct kbuddy_constraint con;
	struct kbuddy_buf_held *held;
	struct dma_buf *dmabuf;
	struct kbuddy_buf *buf;
	int err;

	/* Held from here: a withdraw or a destroy cannot take it away. */
	pool = kbuddy_offer_get(arg->pool, &pool_owner);
	if (IS_ERR(pool))
		return ERR_CAST(pool);
	/*
	 * Userspace maps the memory as the kernel does: an iomem pool's
	 * buffers in its owner's type, whatever was asked (the reply's flags
	 * tell); a RAM pool's write-back, or write-combined in a pool that
	 * kbuddy maps so (KBUDDY_POOL_WC).
	 */
	if (arg->flags & KBUDDY_BUF_WC && kbuddy_pool_kind(pool) != KBUDDY_POOL_IOMEM &&
	    !pool->wc) {
		err = -EOPNOTSUPP;
		goto err_pool;
	}
	if (PAGE_ALIGN(arg->size) > dev_limit) {
		err = -EDQUOT;
		goto err_pool;
	}
	/* Count it first, so that two racing requests cannot both pass. */
	if (atomic64_add_return(PAGE_ALIGN(arg->size), &df->used) > dev_limit) {
		err = -EDQUOT;
		goto err_count;
	}
	buf = kzalloc(sizeof(*buf), GFP_KERNEL);
	held = kzalloc(sizeof(*held), GFP_KERNEL);
	if (!buf || !held) {
		err = -ENOMEM;
		goto err_buf;
	}
	con = (struct kbuddy_constraint){
		.align = arg->align, .start = arg->start, .end = arg->end,
		.boundary = arg->boundary,
		.flags = arg->flags & KBUDDY_BUF_TOPDOWN ? KBUDDY_CONTIG_TOPDOWN : 0,
	};
	/* Zeroed: the pool's memory held another user's data before. */
	err = kbuddy_alloc_contig(pool, arg->size, &con, GFP_KERNEL | __GFP_ZERO,
				  &buf->run);
	if (err)
		goto err_buf;
	held->pool = pool;
	held->pool_owner = pool_owner;
	held->run = buf->run;
	buf->iomem = kbuddy_pool_kind(pool) == KBUDDY_POOL_IOMEM;
	buf->wc = pool->wc;
	if (!run_mappable(pool, &buf->run)) {
		err = -ENODEV;
		goto err_run;
	}
	buf->owner = df;
	exp.owner = THIS_MODULE;
	exp.ops = &kbuddy_buf_ops;
	exp.size = buf->run.size;
	exp.flags = O_RDWR | O_CLOEXEC;
	exp.priv = buf;
	kref_get(&df->ref);
	dmabuf = dma_buf_export(&exp);
	if (IS_ERR(dmabuf)) {
		err = PTR_ERR(dmabuf);
		dev_file_put(df);
		goto err_run;
	}
	/* Listed: a revoke of its pool from here on takes it too. */
	held->inode = file_inode(dmabuf->file);
	ihold(held->inode);
	buf->held = held;
	mutex_lock(&kbuddy_bufs_mutex);
	list_add_tail(&buf->node, &kbuddy_bufs);
	mutex_unlock(&kbuddy_bufs_mutex);
	arg->size = buf->run.size;
	arg->flags = (arg->flags & ~KBUDDY_BUF_WC) | (buf->wc ? KBUDDY_BUF_WC : 0);
	return dmabuf;

err_run:
	kbuddy_free_contig(pool, &buf->run);
err_buf:
	kfree(held);
	kfree(buf);
err_count:
	atomic64_sub(PAGE_ALIGN(arg->size), &df->used);
err_pool:
	kbuddy_offer_put(pool, pool_owner);
	return ERR_PTR(err);
}

static long dev_alloc_buf(struct file *file, struct kbuddy_dev_file *df,
			  struct kbuddy_buf_alloc __user *uarg)
{
	struct kbuddy_buf_alloc arg;
	struct dma_buf *dmabuf;
	unsigned int i;
	int fd;

	/* Buffers are writable: so must the device's open be. */
	if (!(file->f_mode & FMODE_WRITE))
		return -EPERM;
	if (copy_from_user(&arg, uarg, sizeof(arg)))
		return -EFAULT;
	for (i = 0; i < ARRAY_SIZE(arg.reserved); i++)
		if (arg.reserved[i])
			return -EINVAL;
	if (arg.flags & ~KBUDDY_BUF_FLAGS || !arg.size || arg.size > SIZE_MAX - PAGE_SIZE)
		return -EINVAL;
	dmabuf = buf_create(df, &arg);
	if (IS_ERR(dmabuf))
		return PTR_ERR(dmabuf);
	/*
	 * The dma-buf owns the buffer from here: dma_buf_put() frees it. The
	 * fd goes into the table last, once the caller has its number.
	 */
	fd = get_unused_fd_flags(O_CLOEXEC);
	if (fd < 0) {
		dma_buf_put(dmabuf);
		return fd;
	}
	arg.fd = fd;
	if (copy_to_user(uarg, &arg, sizeof(arg))) {
		put_unused_fd(fd);
		dma_buf_put(dmabuf);
		return -EFAULT;
	}
	fd_install(fd, dmabuf->file);
	return 0;
}

/**
 * kbuddy_dev_export() - a buffer as KBUDDY_IOC_ALLOC makes one, in the kernel
 * @pool_id: the id of an offered pool (0: the default pool)
 * @size: bytes
 *
 * For the tests (kunit/api_kunit.c): the same buffer, counted against an
 * open of the device of its own, without an fd.
 *
 * Context: Process context; may sleep.
 * Return: the dma-buf (dma_buf_put() frees it), or an ERR_PTR() as the
 * ioctl's errno.
 */
struct dma_buf *kbuddy_dev_export(u64 pool_id, u64 size)
{
	struct kbuddy_buf_alloc arg = { .pool = pool_id, .size = size };
	struct kbuddy_dev_file *df;
	struct dma_buf *dmabuf;

	if (!size || size > SIZE_MAX - PAGE_SIZE)
		return ERR_PTR(-EINVAL);
	df = kzalloc(sizeof(*df), GFP_KERNEL);
	if (!df)
		return ERR_PTR(-ENOMEM);
	kref_init(&df->ref);
	atomic64_set(&df->used, 0);
	dmabuf = buf_create(df, &arg);
	dev_file_put(df);
	return dmabuf;
}
EXPORT_SYMBOL_NS_GPL(kbuddy_dev_export, KBUDDY_INTERNAL);

static long dev_get_pool(struct kbuddy_pool_info __user *uarg)
{
	struct kbuddy_pool_info info;
	struct kbuddy_offered o;
	unsigned int i;
	int err;

	if (copy_from_user(&info, uarg, sizeof(info)))
		return -EFAULT;
	for (i = 0; i < ARRAY_SIZE(info.reserved); i++)
		if (info.reserved[i])
			return -EINVAL;
	if (info.flags & ~KBUDDY_POOL_NEXT)
		return -EINVAL;
	err = kbuddy_offer_find(info.id, info.flags & KBUDDY_POOL_NEXT, &o);
	if (err)
		return err;
	memset(&info, 0, sizeof(info));
	info.id = o.id;
	/* The uAPI's kind numbers are enum kbuddy_pool_kind's (static_assert). */
	info.kind = o.kind;
	info.caps = o.wc ? KBUDDY_POOL_CAP_WC : 0;
	info.total_bytes = (u64)o.nr_pages << PAGE_SHIFT;
	info.free_bytes = (u64)o.nr_free << PAGE_SHIFT;
	strscpy(info.name, o.name, sizeof(info.name));
	return copy_to_user(uarg, &info, sizeof(info)) ? -EFAULT : 0;
}

static_assert(KBUDDY_POOL_KIND_RAM == KBUDDY_POOL_RAM);
static_assert(KBUDDY_POOL_KIND_NOMAP == KBUDDY_POOL_NOMAP);
static_assert(KBUDDY_POOL_KIND_IOMEM == KBUDDY_POOL_IOMEM);
static_assert(sizeof(struct kbuddy_pool_info) == 96);
static_assert(sizeof(struct kbuddy_buf_alloc) == 80);
static_assert(sizeof_field(struct kbuddy_pool_info, name) > KBUDDY_NAME_LEN);

static long dev_get_info(struct kbuddy_dev_file *df,
			 struct kbuddy_buf_info __user *uarg)
{
	struct kbuddy_pool *pool = kbuddy_default_pool();
	struct kbuddy_buf_info info = {
		.version = KBUDDY_UAPI_VERSION,
		.page_size = PAGE_SIZE,
		.limit_bytes = dev_limit,
		.used_bytes = atomic64_read(&df->used),
	};

	if (pool) {
		info.pool_bytes = (u64)kbuddy_pool_total_pages(pool) << PAGE_SHIFT;
		info.free_bytes = (u64)kbuddy_pool_free_pages(pool) << PAGE_SHIFT;
	}
	return copy_to_user(uarg, &info, sizeof(info)) ? -EFAULT : 0;
}

static long dev_ioctl(struct file *file, unsigned int cmd, unsigned long arg)
{
	struct kbuddy_dev_file *df = file->private_data;

	switch (cmd) {
	case KBUDDY_IOC_ALLOC:
		return dev_alloc_buf(file, df, (void __user *)arg);
	case KBUDDY_IOC_INFO:
		return dev_get_info(df, (void __user *)arg);
	case KBUDDY_IOC_POOL:
		return dev_get_pool((void __user *)arg);
	default:
		return -ENOTTY;
	}
}

static const struct file_operations kbuddy_dev_fops = {
	.owner = THIS_MODULE,
	.open = dev_open,
	.release = dev_release,
	.unlocked_ioctl = dev_ioctl,
	.compat_ioctl = compat_ptr_ioctl,
};

static struct miscdevice kbuddy_miscdev = {
	.minor = MISC_DYNAMIC_MINOR,
	.name = "kbuddy",
	.fops = &kbuddy_dev_fops,
};

/**
 * kbuddy_dev_init() - register /dev/kbuddy
 *
 * Context: Process context (module init), after the default pool exists.
 * Return: 0 or a negative errno.
 */
int kbuddy_dev_init(void)
{
	if (!dev_mode || dev_mode & ~0777) {
		pr_err("dev_mode=%#o: permission bits only (1 to 0777)\n", dev_mode);
		return -EINVAL;
	}
	kbuddy_miscdev.mode = dev_mode;
	return misc_register(&kbuddy_miscdev);
}

/**
 * kbuddy_dev_exit() - unregister /dev/kbuddy
 *
 * Context: Process context (module exit: no buffer is left, each holds a
 * reference to the module).
 */
void kbuddy_dev_exit(void)
{
	misc_deregister(&kbuddy_miscdev);
}

MODULE_IMPORT_NS(DMA_BUF);
