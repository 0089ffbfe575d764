//! Heap allocations per request for every table, contender and request kind, counted exactly
//! with a counting global allocator. Run by `cors-bench all` (or on its own).
#![allow(unsafe_code)] // the counting allocator: `GlobalAlloc` is an unsafe trait

use std::{
    alloc::{GlobalAlloc, Layout, System},
    cell::Cell,
};

use cors_bench::{call, Contender, Kind, Table};

struct Counting;

thread_local! {
    static ALLOCATIONS: Cell<usize> = const { Cell::new(0) };
}

// SAFETY: delegates every call to the system allocator unchanged; only counts.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        ALLOCATIONS.with(|c| c.set(c.get() + 1));
        unsafe { System.alloc(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        unsafe { System.dealloc(ptr, layout) }
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        ALLOCATIONS.with(|c| c.set(c.get() + 1));
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

/// Allocations of one request (the request is built before counting starts; the response is
/// dropped before it stops).
fn count(table: Table, contender: Contender, kind: Kind) -> usize {
    let mut router = contender.router(table);
    let warm = call(&mut router, kind.request(table));
    kind.check(table, contender, &warm);
    drop(warm);
    let counts: Vec<usize> = (0..8)
        .map(|_| {
            let req = kind.request(table);
            let before = ALLOCATIONS.with(Cell::get);
            drop(call(&mut router, req));
            ALLOCATIONS.with(Cell::get) - before
        })
        .collect();
    assert!(
        counts.iter().all(|&c| c == counts[0]),
        "allocation counts vary between identical requests: {counts:?}"
    );
    counts[0]
}

fn main() {
    println!("### Heap allocations per request (counting allocator; exact)\n");
    for table in Table::ALL {
        println!("#### {}\n", table.name());
        println!("| request | floor / bare | tower-http | ours: handler | ours: group | ours: handler in group |");
        println!("|---|---:|---:|---:|---:|---:|");
        for kind in Kind::ALL {
            let counts: Vec<usize> = Contender::ALL
                .into_iter()
                .map(|c| count(table, c, kind))
                .collect();
            let base = counts[0] as i64;
            let cells: Vec<String> = counts[1..]
                .iter()
                .map(|&n| format!("{n} ({:+})", n as i64 - base))
                .collect();
            println!("| {} | {base} | {} |", kind.name(), cells.join(" | "));
        }
        println!();
    }
}
