/// Helpers for tests that draw from generators on several threads (shared with Api.Tests by a linked file).
module ThreadTestUtil

open System
open System.Collections.Concurrent
open System.Collections.Generic
open System.Threading
open Expecto

/// Runs `work i barrier` on n threads started together and returns their results in thread order; an
/// exception in any thread fails the test (after the others finish) instead of deadlocking the barrier.
let runThreads (n: int) (work: int -> Barrier -> 'T) : 'T[] =
    use barrier = new Barrier(n)
    let results = Array.zeroCreate<'T> n
    let errors = ConcurrentQueue<exn>()
    let threads =
        Array.init n (fun i ->
            Thread((fun () ->
                try results[i] <- work i barrier
                with e ->
                    errors.Enqueue e
                    // The failed thread leaves the barrier so the others can finish their phases.
                    barrier.RemoveParticipant()), IsBackground = true))
    for t in threads do t.Start()
    for t in threads do
        if not (t.Join(TimeSpan.FromMinutes 5.0)) then failtest "a drawing thread did not finish (deadlock?)"
    match errors.TryPeek() with
    | true, e -> raise (AggregateException("a drawing thread failed", e))
    | _ -> results

let private bits (a: float32[]) = Array.map BitConverter.SingleToInt32Bits a

/// Checks that the blocks drawn by several threads are exactly the single-thread blocks: each block equals one
/// reference block bit for bit (so no operation was interleaved with another), every reference block is
/// drawn exactly once, and each thread's blocks appear in its own program order.
let expectWholeBlocks (reference: float32[][]) (perThread: float32[][][]) =
    // Four 24-bit uniforms (or normals made from them) identify a block; collisions are beyond reach here.
    let key (b: float32[]) = struct (BitConverter.SingleToInt32Bits b[0], BitConverter.SingleToInt32Bits b[1],
                                     BitConverter.SingleToInt32Bits b[2], BitConverter.SingleToInt32Bits b[3])
    let index = Dictionary<struct (int * int * int * int), int>()
    reference |> Array.iteri (fun i b -> index.Add(key b, i))
    let used = Array.zeroCreate<int> reference.Length
    perThread |> Array.iteri (fun t blocks ->
        let mutable last = -1
        blocks |> Array.iteri (fun j b ->
            match index.TryGetValue(key b) with
            | true, i ->
                if bits b <> bits reference[i] then
                    failtestf "thread %d, operation %d: starts like single-thread operation %d but differs later (draws were interleaved)" t j i
                if i <= last then failtestf "thread %d, operation %d: position %d comes after %d (program order lost)" t j i last
                used[i] <- used[i] + 1
                last <- i
            | _ -> failtestf "thread %d, operation %d is no operation of the single-thread sequence (draws were interleaved)" t j))
    Expect.equal (Array.sum used) reference.Length "as many operations as the single-thread run"
    Expect.isTrue (Array.forall ((=) 1) used) "every single-thread operation drawn exactly once"
