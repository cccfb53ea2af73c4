// SPDX-License-Identifier: GPL-2.0
/*
 * The shim's stack_trace_save() and stack depot, for every userspace
 * build (threaded or not): stacks really recorded with glibc's
 * backtrace(), kept in a table whose handles are index + 1.
 */
#include <linux/kernel.h>
#include <pthread.h>

/* ==== Stacks (stack_trace_save(), the stack depot) ===================== */

#include <execinfo.h>
#include <sys/syscall.h>
#include <unistd.h>

#define KSHIM_STACKS		4096
#define KSHIM_STACK_DEPTH	64

static struct {
	unsigned int nr;
	unsigned long entries[KSHIM_STACK_DEPTH];
} kshim_stacks[KSHIM_STACKS];
static unsigned int kshim_nr_stacks;
static pthread_mutex_t kshim_stacks_lock = PTHREAD_MUTEX_INITIALIZER;

unsigned int stack_trace_save(unsigned long *store, unsigned int size,
			      unsigned int skipnr)
{
	void *frames[KSHIM_STACK_DEPTH + 2];
	int n = backtrace(frames, KSHIM_STACK_DEPTH + 2), i;
	unsigned int out = 0;

	/* Skip this function itself, as the kernel's does. */
	for (i = 1 + skipnr; i < n && out < size; i++)
		store[out++] = (unsigned long)frames[i];
	return out;
}

depot_stack_handle_t stack_depot_save(unsigned long *entries,
				      unsigned int nr_entries, gfp_t gfp)
{
	depot_stack_handle_t h = 0;
	unsigned int i;

	if (nr_entries > KSHIM_STACK_DEPTH)
		nr_entries = KSHIM_STACK_DEPTH;
	pthread_mutex_lock(&kshim_stacks_lock);
	for (i = 0; i < kshim_nr_stacks; i++) {
		if (kshim_stacks[i].nr == nr_entries &&
		    !memcmp(kshim_stacks[i].entries, entries, nr_entries * sizeof(*entries))) {
			h = i + 1;
			goto out;
		}
	}
	if (kshim_nr_stacks < KSHIM_STACKS) {
		kshim_stacks[kshim_nr_stacks].nr = nr_entries;
		memcpy(kshim_stacks[kshim_nr_stacks].entries, entries,
		       nr_entries * sizeof(*entries));
		h = ++kshim_nr_stacks;
	}
out:
	pthread_mutex_unlock(&kshim_stacks_lock);
	return h;
}

unsigned int stack_depot_fetch(depot_stack_handle_t handle,
			       unsigned long **entries)
{
	if (!handle || handle > __atomic_load_n(&kshim_nr_stacks, __ATOMIC_ACQUIRE)) {
		*entries = NULL;
		return 0;
	}
	*entries = kshim_stacks[handle - 1].entries;
	return kshim_stacks[handle - 1].nr;
}

void stack_depot_print(depot_stack_handle_t handle)
{
	unsigned long *entries;
	unsigned int n = stack_depot_fetch(handle, &entries);

	kshim_count_message();
	if (n && getenv("KSHIM_VERBOSE"))
		backtrace_symbols_fd((void **)entries, n, 2);
}

int kshim_task_pid(void)
{
	return (int)syscall(SYS_gettid);
}
