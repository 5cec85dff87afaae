namespace Fluxion.Data

open System
open System.Collections
open System.Collections.Generic
open System.Reflection
open Fluxion

/// A dataset seen without its item type (for loaders that batch items into tensors whatever their type).
type IDataset =
    /// Number of items.
    abstract Count: int
    /// The item at index i, boxed.
    abstract GetItem: int -> obj

/// A map-style dataset (torch.utils.data.Dataset): a count and an item per index; subclasses override both.
[<AbstractClass; DefaultMember("Item")>]
type Dataset<'T>() =
    /// Number of items (PyTorch's __len__).
    abstract Count: int
    /// The item at index i (PyTorch's __getitem__).
    abstract Item: int -> 'T with get
    interface IDataset with
        member this.Count = this.Count
        member this.GetItem i = box this[i]
    interface IReadOnlyList<'T> with
        member this.Count = this.Count
        member this.Item with get i = this[i]
        member this.GetEnumerator() : IEnumerator<'T> =
            (Seq.init this.Count (fun i -> this[i])).GetEnumerator()
        member this.GetEnumerator() : IEnumerator =
            (Seq.init this.Count (fun i -> this[i]) :> IEnumerable).GetEnumerator()

/// Tensors sharing their first dimension; item i holds row i of each tensor (torch.utils.data.TensorDataset).
[<Sealed>]
type TensorDataset([<ParamArray>] tensors: Tensor[]) =
    inherit Dataset<Tensor[]>()
    do
        if isNull tensors then nullArg "tensors"
        if tensors.Length = 0 then invalidArg "tensors" "TensorDataset: expected at least one tensor"
        for t in tensors do
            if isNull (box t) then nullArg "tensors"
            if t.Dim = 0 then invalidArg "tensors" "TensorDataset: tensors need a first dimension to index (got a 0-d tensor)"
        if tensors |> Array.exists (fun t -> t.Shape[0] <> tensors[0].Shape[0]) then
            let sizes = tensors |> Array.map (fun t -> string t.Shape[0]) |> String.concat ", "
            invalidArg "tensors" (sprintf "Size mismatch between tensors (first dimensions %s)" sizes)
    /// The wrapped tensors.
    member _.Tensors = Array.copy tensors
    /// Size of the shared first dimension.
    override _.Count = tensors[0].Shape[0]
    /// Row i of every tensor.
    override this.Item
        with get i =
            let n = this.Count
            if i < -n || i >= n then
                raise (ArgumentOutOfRangeException("index", i, sprintf "TensorDataset: index %d is out of range for %d items" i n))
            let i = if i < 0 then i + n else i
            tensors |> Array.map (fun t -> t.Select(0, i))

/// The items of a dataset at the given indices, in that order (torch.utils.data.Subset).
[<Sealed>]
type Subset<'T>(dataset: Dataset<'T>, indices: int[]) =
    inherit Dataset<'T>()
    do
        if isNull (box dataset) then nullArg "dataset"
        if isNull indices then nullArg "indices"
    let indices = Array.copy indices
    /// The underlying dataset.
    member _.Dataset = dataset
    /// Indices into the underlying dataset.
    member _.Indices : int[] = Array.copy indices
    /// Number of indices.
    override _.Count = indices.Length
    /// dataset[indices[i]].
    override _.Item
        with get i =
            if i < -indices.Length || i >= indices.Length then
                raise (ArgumentOutOfRangeException("index", i, sprintf "Subset: index %d is out of range for %d items" i indices.Length))
            dataset[indices[if i < 0 then i + indices.Length else i]]

/// Datasets one after another (torch.utils.data.ConcatDataset).
[<Sealed>]
type ConcatDataset<'T>(datasets: seq<Dataset<'T>>) =
    inherit Dataset<'T>()
    let parts = if isNull (box datasets) then nullArg "datasets" else Array.ofSeq datasets
    do if parts.Length = 0 then invalidArg "datasets" "datasets should not be an empty iterable"
    let ends = parts |> Array.scan (fun acc (d: Dataset<'T>) -> acc + d.Count) 0 |> Array.tail
    /// The concatenated datasets.
    member _.Datasets = Array.copy parts
    /// Running totals of the datasets' sizes (PyTorch's cumulative_sizes).
    member _.CumulativeSizes = Array.copy ends
    /// Total number of items.
    override _.Count = ends[ends.Length - 1]
    /// Item i of the concatenation.
    override this.Item
        with get i =
            let n = this.Count
            if i < 0 && -i > n then invalidArg "index" "absolute value of index should not exceed dataset length"
            let i = if i < 0 then i + n else i
            if i >= n then raise (ArgumentOutOfRangeException("index", i, sprintf "ConcatDataset: index %d is out of range for %d items" i n))
            // bisect_right over the running totals
            let k = ends |> Array.findIndex (fun e -> e > i)
            parts[k][if k = 0 then i else i - ends[k - 1]]
