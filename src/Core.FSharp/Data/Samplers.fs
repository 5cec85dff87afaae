namespace Fluxion.Data

open System
open System.Collections
open System.Collections.Generic
open Fluxion.Random

/// Draws from PyTorch's generators the way torch.utils.data does.
module internal SeedDraw =
    /// torch.empty((), dtype=torch.int64).random_(generator): one 64-bit draw reduced modulo 2^63.
    let int64Seed (g: Generator) : int64 =
        let g = if isNull g then Generator.Default else g
        int64 (g.Next64() &&& 0x7fffffffffffffffUL)

/// A source of dataset indices, enumerated afresh each epoch (torch.utils.data.Sampler).
[<AbstractClass>]
type Sampler() =
    /// Number of indices one pass yields.
    abstract Count: int
    /// The indices of one pass; random samplers draw lazily, on the first MoveNext, as PyTorch's generators do.
    abstract Indices: unit -> seq<int>
    interface IEnumerable<int> with
        member this.GetEnumerator() : IEnumerator<int> = this.Indices().GetEnumerator()
        member this.GetEnumerator() : IEnumerator = (this.Indices() :> IEnumerable).GetEnumerator()

/// 0, 1, ..., n-1 (torch.utils.data.SequentialSampler).
[<Sealed>]
type SequentialSampler(count: int) =
    inherit Sampler()
    do if count < 0 then raise (ArgumentOutOfRangeException("count", count, "SequentialSampler: count must be non-negative"))
    /// Number of indices.
    override _.Count = count
    /// 0 .. count-1.
    override _.Indices() = seq { 0 .. count - 1 }

/// Random indices (torch.utils.data.RandomSampler): permutations of 0..n-1, or draws with replacement; with no
/// generator each pass seeds a fresh generator from one 64-bit draw of the default generator, as PyTorch 1.13 does.
[<Sealed>]
type RandomSampler(count: int, replacement: bool, numSamples: Nullable<int>, generator: Generator) =
    inherit Sampler()
    let samples = if numSamples.HasValue then numSamples.Value else count
    do
        if count < 0 then raise (ArgumentOutOfRangeException("count", count, "RandomSampler: count must be non-negative"))
        if samples <= 0 then
            invalidArg "numSamples" (sprintf "num_samples should be a positive integer value, but got num_samples=%d" samples)
        if count = 0 then invalidArg "count" "RandomSampler: cannot sample from an empty dataset"

    /// A sampler without replacement over count items.
    new(count: int, generator: Generator) = RandomSampler(count, false, Nullable(), generator)
    /// A sampler without replacement over count items using the default generator.
    new(count: int) = RandomSampler(count, false, Nullable(), null)

    /// Number of indices one pass yields (num_samples).
    override _.Count = samples
    /// Whether indices are drawn with replacement.
    member _.Replacement = replacement
    /// The generator given (null: a fresh one per pass, seeded from the default generator).
    member _.Generator = generator
    /// One pass; the generator is drawn from when enumeration starts.
    override _.Indices() =
        seq {
            let g =
                if isNull generator then Generator(SeedDraw.int64Seed Generator.Default)
                else generator
            if replacement then
                for _ in 1 .. samples / 32 do
                    yield! Sampling.randint g 0L (int64 count) 32 |> Seq.map int
                yield! Sampling.randint g 0L (int64 count) (samples % 32) |> Seq.map int
            else
                for _ in 1 .. samples / count do
                    yield! Sampling.randperm g count |> Seq.map int
                // PyTorch draws this last permutation even when no items of it are kept.
                yield! Sampling.randperm g count |> Seq.truncate (samples % count) |> Seq.map int
        }

/// The given indices in random order each pass (torch.utils.data.SubsetRandomSampler).
[<Sealed>]
type SubsetRandomSampler(indices: int[], generator: Generator) =
    inherit Sampler()
    let indices = if isNull indices then nullArg "indices" else Array.copy indices
    /// Number of indices.
    override _.Count = indices.Length
    /// indices[randperm(len)]; like PyTorch's, the default generator is used directly when none is given.
    override _.Indices() =
        seq {
            let g = if isNull generator then Generator.Default else generator
            for k in Sampling.randperm g indices.Length do yield indices[int k]
        }

/// Groups a sampler's indices into batches (torch.utils.data.BatchSampler).
[<Sealed>]
type BatchSampler(sampler: seq<int>, batchSize: int, dropLast: bool) =
    do
        if isNull (box sampler) then nullArg "sampler"
        if batchSize <= 0 then
            invalidArg "batchSize" (sprintf "batch_size should be a positive integer value, but got batch_size=%d" batchSize)
    let count () =
        match sampler with
        | :? Sampler as s -> s.Count
        | :? IReadOnlyCollection<int> as c -> c.Count
        // Enumerating would consume a random sampler's draws, so a sampler without a size has no length (as in PyTorch).
        | _ -> raise (InvalidOperationException(sprintf "object of type '%s' has no len(): give a Sampler or a collection" (sampler.GetType().Name)))
    /// Number of batches per pass.
    member _.Count = let n = count () in if dropLast then n / batchSize else (n + batchSize - 1) / batchSize
    /// Batch size.
    member _.BatchSize = batchSize
    /// Whether a last incomplete batch is dropped.
    member _.DropLast = dropLast
    interface IEnumerable<int[]> with
        member this.GetEnumerator() : IEnumerator<int[]> = this.Batches().GetEnumerator()
        member this.GetEnumerator() : IEnumerator = (this.Batches() :> IEnumerable).GetEnumerator()
    /// One pass of batches; like PyTorch's, it reads the sampler to its end even when the last batch is dropped.
    member _.Batches() : seq<int[]> =
        seq {
            let buf = ResizeArray<int>(batchSize)
            for i in sampler do
                buf.Add i
                if buf.Count = batchSize then
                    yield buf.ToArray()
                    buf.Clear()
            if buf.Count > 0 && not dropLast then yield buf.ToArray()
        }
