namespace Fluxion.Data

open System
open System.Collections
open System.Collections.Generic
open Microsoft.FSharp.Reflection
open Fluxion
open Fluxion.Ops
open Fluxion.Random
open System.Runtime.InteropServices

/// Batch assembly (torch.utils.data.default_collate).
module Collate =
    let private stackTensors (items: obj[]) =
        Shapes.stack 0 (items |> Array.map (fun o -> o :?> Tensor))

    let private numberError (t: Type) =
        InvalidOperationException(
            sprintf "default_collate: items of type %s cannot be batched into the same type; return tensors from the dataset, use Collate.ToTensors (DataLoader over Tensor[] batches), or pass a collate function" t.Name)

    let rec private sameType (t: Type) (items: obj[]) : obj =
        if t = typeof<Tensor> then box (stackTensors items)
        elif t.IsArray then
            let et = t.GetElementType()
            let arrays = items |> Array.map (fun o -> o :?> Array)
            let len = arrays[0].Length
            if arrays |> Array.exists (fun a -> a.Length <> len) then
                raise (InvalidOperationException "each element in list of batch should be of equal size")
            let r = Array.CreateInstance(et, len)
            for k in 0 .. len - 1 do
                r.SetValue(sameType et (arrays |> Array.map (fun a -> a.GetValue k)), k)
            box r
        elif FSharpType.IsTuple t then
            let ets = FSharpType.GetTupleElements t
            let fields = items |> Array.map FSharpValue.GetTupleFields
            let cols = ets |> Array.mapi (fun k et -> sameType et (fields |> Array.map (fun f -> f[k])))
            FSharpValue.MakeTuple(cols, t)
        else raise (numberError t)

    /// Stacks a batch of items into one item of the same type: tensors are stacked along a new first dimension,
    /// arrays and tuples (value or reference) are batched field by field (PyTorch's default_collate).
    let defaultCollate<'T> (items: 'T[]) : 'T =
        if isNull items then nullArg "items"
        if items.Length = 0 then invalidArg "items" "default_collate: cannot batch an empty list of items"
        sameType typeof<'T> (items |> Array.map box) :?> 'T

    let private leaf (items: obj[]) : Tensor =
        match items[0] with
        | :? Tensor -> stackTensors items
        | :? bool -> Creation.ofBool [| items.Length |] (items |> Array.map unbox<bool>)
        | :? float -> Creation.ofFloat64 [| items.Length |] (items |> Array.map unbox<float>)
        | :? float32 -> Creation.ofFloat32 [| items.Length |] (items |> Array.map unbox<float32>)
        | :? int | :? int64 | :? int16 | :? sbyte | :? byte | :? uint16 | :? uint32 ->
            Creation.ofInt64 [| items.Length |] (items |> Array.map (fun o -> Convert.ToInt64 o))
        | o -> raise (InvalidOperationException(sprintf "default_collate: batch must contain tensors, numbers, arrays or tuples; found %s" (o.GetType().Name)))

    /// PyTorch's default_collate as a list of tensors: a tensor or number item gives one stacked tensor, an array
    /// or tuple item gives one per field; numbers become int64, float64, float32 or bool tensors as in PyTorch.
    let toTensors<'T> (items: 'T[]) : Tensor[] =
        if isNull items then nullArg "items"
        if items.Length = 0 then invalidArg "items" "default_collate: cannot batch an empty list of items"
        let boxed = items |> Array.map box
        match boxed[0] with
        | null -> nullArg "items"
        | :? Array ->
            let arrays = boxed |> Array.map (fun o -> o :?> Array)
            let len = arrays[0].Length
            if arrays |> Array.exists (fun a -> a.Length <> len) then
                raise (InvalidOperationException "each element in list of batch should be of equal size")
            Array.init len (fun k -> leaf (arrays |> Array.map (fun a -> a.GetValue k)))
        | o when FSharpType.IsTuple(o.GetType()) ->
            let fields = boxed |> Array.map FSharpValue.GetTupleFields
            Array.init fields[0].Length (fun k -> leaf (fields |> Array.map (fun f -> f[k])))
        | _ -> [| leaf boxed |]

/// Batches of a dataset, reshuffled each epoch (torch.utils.data.DataLoader with num_workers=0). Each
/// enumeration is one epoch and draws from the generators exactly as PyTorch 1.13 does: one 64-bit draw for the
/// worker base seed from the given (or default) generator, then the sampler's draws.
type DataLoader<'T, 'B>(dataset: Dataset<'T>, collate: Func<'T[], 'B>,
                        [<Optional; DefaultParameterValue(1)>] batchSize: int,
                        [<Optional; DefaultParameterValue(false)>] shuffle: bool,
                        [<Optional; DefaultParameterValue(false)>] dropLast: bool,
                        [<Optional; DefaultParameterValue(null: Generator)>] generator: Generator,
                        [<Optional; DefaultParameterValue(null: seq<int>)>] sampler: seq<int>,
                        [<Optional; DefaultParameterValue(null: seq<int[]>)>] batchSampler: seq<int[]>) =
    do
        if isNull (box dataset) then nullArg "dataset"
        if isNull collate then nullArg "collate"
        if not (isNull (box batchSampler)) then
            if batchSize <> 1 || shuffle || not (isNull (box sampler)) || dropLast then
                invalidArg "batchSampler" "batch_sampler option is mutually exclusive with batch_size, shuffle, sampler, and drop_last"
        if shuffle && not (isNull (box sampler)) then
            invalidArg "sampler" "sampler option is mutually exclusive with shuffle"
        if isNull (box batchSampler) && batchSize <= 0 then
            invalidArg "batchSize" (sprintf "batch_size should be a positive integer value, but got batch_size=%d" batchSize)
    let sampler : seq<int> =
        if not (isNull (box sampler)) then sampler
        elif shuffle then RandomSampler(dataset.Count, generator) :> seq<int>
        else SequentialSampler(dataset.Count) :> seq<int>
    let batches : seq<int[]> =
        if not (isNull (box batchSampler)) then batchSampler
        else BatchSampler(sampler, batchSize, dropLast) :> seq<int[]>

    /// The dataset batched.
    member _.Dataset = dataset
    /// Items per batch (1 when a batch sampler is given).
    member _.BatchSize = batchSize
    /// Whether a last incomplete batch is dropped.
    member _.DropLast = dropLast
    /// The generator for shuffling and the base seed (null: the default generator).
    member _.Generator = generator
    /// The index sampler (a RandomSampler when shuffling, a SequentialSampler otherwise, or the one given).
    member _.Sampler = sampler
    /// The batch sampler producing each batch's indices.
    member _.BatchSampler = batches
    /// Number of batches per epoch (len(loader)).
    member _.Count =
        match batches with
        | :? BatchSampler as b -> b.Count
        | :? IReadOnlyCollection<int[]> as c -> c.Count
        | _ -> raise (InvalidOperationException(sprintf "object of type '%s' has no len(): give a BatchSampler or a collection" (batches.GetType().Name)))
    member private _.Batches() : seq<'B> =
        seq {
            for idx in batches do
                yield collate.Invoke(idx |> Array.map (fun i -> dataset[i]))
        }
    /// Starts one epoch: draws the base seed now, as iter(loader) does, and the sampler's draws on the first MoveNext.
    member this.GetEnumerator() : IEnumerator<'B> =
        SeedDraw.int64Seed generator |> ignore
        this.Batches().GetEnumerator()
    interface IEnumerable<'B> with
        member this.GetEnumerator() : IEnumerator<'B> = this.GetEnumerator()
        member this.GetEnumerator() : IEnumerator = this.GetEnumerator() :> IEnumerator

/// A DataLoader whose batches have the items' type: tensors stacked, tuples and arrays of tensors batched field by field.
type DataLoader<'T>(dataset: Dataset<'T>,
                    [<Optional; DefaultParameterValue(1)>] batchSize: int,
                    [<Optional; DefaultParameterValue(false)>] shuffle: bool,
                    [<Optional; DefaultParameterValue(false)>] dropLast: bool,
                    [<Optional; DefaultParameterValue(null: Generator)>] generator: Generator,
                    [<Optional; DefaultParameterValue(null: seq<int>)>] sampler: seq<int>,
                    [<Optional; DefaultParameterValue(null: seq<int[]>)>] batchSampler: seq<int[]>,
                    [<Optional>] collate: Func<'T[], 'T>) =
    inherit DataLoader<'T, 'T>(dataset, (if isNull collate then Func<'T[], 'T>(fun items -> Collate.defaultCollate<'T> items) else collate),
                               batchSize, shuffle, dropLast, generator, sampler, batchSampler)
