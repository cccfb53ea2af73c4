/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * kbuddy - the /dev/kbuddy interface: buffers of kbuddy's pools offered to
 * userspace, as dma-buf file descriptors (Documentation/device-memory.rst).
 *
 * Versioned as kernel uAPI headers are: a struct never changes size or
 * meaning; new fields come out of the reserved words, which must be zero
 * today (a non-zero one is refused with EINVAL), and a new flag is refused
 * by an older kbuddy the same way. KBUDDY_IOC_INFO reports the version.
 *
 * Version 2: struct kbuddy_buf_alloc's @pool (formerly reserved[0], so 0,
 * the default pool, for older binaries) and KBUDDY_IOC_POOL.
 * Version 3: an iomem pool's buffers are mapped with the caching type its
 * owner maps it with (KBUDDY_POOL_CAP_WC: write-combined, else uncached),
 * whatever KBUDDY_BUF_WC says, and the reply's @flags tell which.
 */
#ifndef _UAPI_KBUDDY_H
#define _UAPI_KBUDDY_H

#include <linux/ioctl.h>
#include <linux/types.h>

#define KBUDDY_UAPI_VERSION	3

/* struct kbuddy_buf_alloc flags */
#define KBUDDY_BUF_TOPDOWN	(1U << 0)	/* the highest place that fits */
/*
 * in: write-combined rather than uncached, from an iomem pool (refused
 * with EOPNOTSUPP from a RAM pool); since version 3 an iomem pool's
 * buffers are mapped as its owner maps the memory, write-combined where
 * KBUDDY_POOL_CAP_WC says so and uncached elsewhere, asked or not;
 * out (version 3): set exactly when the buffer is write-combined
 */
#define KBUDDY_BUF_WC		(1U << 1)
#define KBUDDY_BUF_FLAGS	(KBUDDY_BUF_TOPDOWN | KBUDDY_BUF_WC)

/**
 * struct kbuddy_buf_alloc - KBUDDY_IOC_ALLOC: a zeroed buffer as a dma-buf
 * @size: in: bytes, rounded up to whole pages; out: the buffer's size
 * @align: 0, or a power of two of at least the page size
 * @start: the lowest physical address the buffer may use
 * @end: one past the highest; 0 for no limit
 * @boundary: 0, or a power of two of at least the page size the buffer
 *	must not cross a multiple of
 * @flags: in: KBUDDY_BUF_*; out: KBUDDY_BUF_WC set if the buffer is
 *	mapped write-combined
 * @fd: out: the dma-buf file descriptor (O_CLOEXEC, read-write)
 * @pool: the id of the pool to allocate from (KBUDDY_IOC_POOL); 0 for the
 *	default pool (version 2; reserved, so 0, in version 1)
 * @reserved: must be zero
 */
struct kbuddy_buf_alloc {
	__u64 size;
	__u64 align;
	__u64 start;
	__u64 end;
	__u64 boundary;
	__u32 flags;
	__s32 fd;
	__u64 pool;
	__u64 reserved[3];
};

/**
 * struct kbuddy_buf_info - KBUDDY_IOC_INFO: the device and its pool
 * @version: KBUDDY_UAPI_VERSION
 * @page_size: the pool's page size in bytes
 * @pool_bytes: bytes in the pool
 * @free_bytes: bytes free in it (not counting per-CPU caches)
 * @limit_bytes: at most this many bytes of buffers per open of the device
 * @used_bytes: bytes of buffers this open of the device holds
 * @reserved: zero
 */
struct kbuddy_buf_info {
	__u32 version;
	__u32 page_size;
	__u64 pool_bytes;
	__u64 free_bytes;
	__u64 limit_bytes;
	__u64 used_bytes;
	__u64 reserved[4];
};

/* struct kbuddy_pool_info kinds */
#define KBUDDY_POOL_KIND_RAM	0	/* RAM: buffers mapped cached */
#define KBUDDY_POOL_KIND_NOMAP	1	/* never offered (no CPU mapping) */
#define KBUDDY_POOL_KIND_IOMEM	2	/* I/O memory: uncached or WC */
/* struct kbuddy_pool_info caps: buffers are mapped write-combined */
#define KBUDDY_POOL_CAP_WC	(1U << 0)
/* struct kbuddy_pool_info flags: the pool with the next larger id */
#define KBUDDY_POOL_NEXT	(1U << 0)

/**
 * struct kbuddy_pool_info - KBUDDY_IOC_POOL: an offered pool
 * @id: in: the pool's id (0 for the default pool), or with
 *	KBUDDY_POOL_NEXT the id after which to look (0 for the first pool);
 *	out: the pool's id
 * @flags: in: KBUDDY_POOL_NEXT
 * @kind: out: KBUDDY_POOL_KIND_*
 * @caps: out: KBUDDY_POOL_CAP_*
 * @total_bytes: out: bytes in the pool
 * @free_bytes: out: bytes free in it (not counting per-CPU caches)
 * @name: out: the pool's name, NUL-terminated
 * @reserved: must be zero
 *
 * To list every pool: @id 0 with KBUDDY_POOL_NEXT, then the @id returned
 * with KBUDDY_POOL_NEXT again, until ENOENT.
 */
struct kbuddy_pool_info {
	__u32 id;
	__u32 flags;
	__u32 kind;
	__u32 caps;
	__u64 total_bytes;
	__u64 free_bytes;
	char name[32];
	__u64 reserved[4];
};

#define KBUDDY_IOC_MAGIC	0xbd
#define KBUDDY_IOC_ALLOC	_IOWR(KBUDDY_IOC_MAGIC, 1, struct kbuddy_buf_alloc)
#define KBUDDY_IOC_INFO		_IOR(KBUDDY_IOC_MAGIC, 2, struct kbuddy_buf_info)
#define KBUDDY_IOC_POOL		_IOWR(KBUDDY_IOC_MAGIC, 3, struct kbuddy_pool_info)

#endif /* _UAPI_KBUDDY_H */
