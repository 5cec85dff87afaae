namespace Fluxion.Nn

open System
open Fluxion

/// A tree of named tensors: a network's parameters, their gradients or an optimizer's state, all in
/// the same shape (Equinox-style). Children are ordered; dotted paths name leaves (`linear1.weight`).
/// The cases are internal (build trees with `Params.leaf`/`Params.group`) so that no F# tuple reaches C#.
[<RequireQualifiedAccess>]
type Params =
    internal
    /// A tensor at a leaf.
    | Leaf of Tensor
    /// Named children in declaration order.
    | Group of (string * Params)[]

    /// True for a single tensor, false for a group of named children.
    member p.IsLeafNode = match p with Params.Leaf _ -> true | Params.Group _ -> false
    /// The tensor of a leaf (null for a group).
    member p.LeafValue : Tensor = match p with Params.Leaf t -> t | Params.Group _ -> Unchecked.defaultof<Tensor>
    /// The named children of a group in order (empty for a leaf).
    member p.Children : Collections.Generic.KeyValuePair<string, Params>[] =
        match p with
        | Params.Leaf _ -> [||]
        | Params.Group cs -> cs |> Array.map (fun (n, c) -> Collections.Generic.KeyValuePair(n, c))

/// Functions on parameter trees.
[<RequireQualifiedAccess; CompilationRepresentation(CompilationRepresentationFlags.ModuleSuffix)>]
module Params =
    /// The empty tree.
    let empty = Params.Group [||]
    /// A tree with one leaf.
    let leaf (t: Tensor) = Params.Leaf t
    /// A group from named children, in order.
    let group (children: (string * Params) seq) = Params.Group(Array.ofSeq children)

    let private join (prefix: string) (name: string) = if prefix = "" then name else prefix + "." + name

    /// (dotted name, tensor) for every leaf in order.
    let flatten (p: Params) : (string * Tensor)[] =
        let acc = ResizeArray()
        let rec go prefix p =
            match p with
            | Params.Leaf t -> acc.Add((prefix, t))
            | Params.Group cs -> for (n, c) in cs do go (join prefix n) c
        go "" p
        acc.ToArray()

    /// The leaves in order.
    let leaves (p: Params) : Tensor[] = flatten p |> Array.map snd

    /// Number of leaves.
    let count (p: Params) =
        let rec go p = match p with Params.Leaf _ -> 1 | Params.Group cs -> cs |> Array.sumBy (snd >> go)
        go p

    /// Total number of elements of all leaves.
    let numel (p: Params) = leaves p |> Array.sumBy (fun t -> int64 t.Numel)

    /// Rebuilds a tree of the same structure from leaves given in flatten order.
    let withLeaves (template: Params) (ts: Tensor[]) : Params =
        let expected = count template
        if ts.Length <> expected then
            invalidArg "ts" (sprintf "Params.withLeaves: the tree has %d leaves but %d tensors were given" expected ts.Length)
        let mutable i = 0
        let rec go p =
            match p with
            | Params.Leaf _ ->
                let t = ts.[i]
                i <- i + 1
                Params.Leaf t
            | Params.Group cs -> Params.Group(cs |> Array.map (fun (n, c) -> n, go c))
        go template

    /// Applies f to every leaf.
    let map (f: Tensor -> Tensor) (p: Params) : Params =
        let rec go p =
            match p with
            | Params.Leaf t -> Params.Leaf(f t)
            | Params.Group cs -> Params.Group(cs |> Array.map (fun (n, c) -> n, go c))
        go p

    /// Applies f to every leaf with its dotted name.
    let mapi (f: string -> Tensor -> Tensor) (p: Params) : Params =
        let rec go prefix p =
            match p with
            | Params.Leaf t -> Params.Leaf(f prefix t)
            | Params.Group cs -> Params.Group(cs |> Array.map (fun (n, c) -> n, go (join prefix n) c))
        go "" p

    /// Combines two trees of the same structure leaf by leaf (an error names the first difference).
    let map2 (f: Tensor -> Tensor -> Tensor) (a: Params) (b: Params) : Params =
        let rec go prefix a b =
            match a, b with
            | Params.Leaf x, Params.Leaf y -> Params.Leaf(f x y)
            | Params.Group xs, Params.Group ys when xs.Length = ys.Length ->
                Params.Group(Array.map2 (fun (n, x) (m, y) ->
                    if n <> m then invalidArg "b" (sprintf "Params.map2: trees differ at '%s': child '%s' vs '%s'" prefix n m)
                    n, go (join prefix n) x y) xs ys)
            | _ -> invalidArg "b" (sprintf "Params.map2: trees differ in structure at '%s'" (if prefix = "" then "<root>" else prefix))
        go "" a b

    /// The leaf at a dotted path, if any.
    let tryFind (path: string) (p: Params) : Tensor option =
        flatten p |> Array.tryFind (fun (n, _) -> n = path) |> Option.map snd

    /// The leaf at a dotted path (an error lists the available names).
    let find (path: string) (p: Params) : Tensor =
        match tryFind path p with
        | Some t -> t
        | None ->
            let names = flatten p |> Array.map fst
            raise (Collections.Generic.KeyNotFoundException(sprintf "Params.find: no parameter '%s'; available: %s" path (String.Join(", ", names))))

    /// The subtree under a child name.
    let child (name: string) (p: Params) : Params =
        match p with
        | Params.Group cs ->
            match cs |> Array.tryFind (fun (n, _) -> n = name) with
            | Some(_, c) -> c
            | None -> raise (Collections.Generic.KeyNotFoundException(sprintf "Params.child: no child '%s' (children: %s)" name (String.Join(", ", cs |> Array.map fst))))
        | Params.Leaf _ -> invalidArg "p" (sprintf "Params.child: '%s' asked of a leaf" name)

    /// Zeros shaped like every leaf.
    let zerosLike (p: Params) = map (fun t -> t.ZerosLike()) p
    /// Every leaf detached from any derivative.
    let detach (p: Params) = map (fun t -> t.Detach()) p

    /// The value of a scalar function of a parameter tree and its gradient, as a tree of the same shape.
    let valueAndGrad (f: Params -> Tensor) (p: Params) : Tensor * Params =
        let v, gs = Diff.valueAndGrads (fun ts -> f (withLeaves p ts)) (leaves p)
        v, withLeaves p gs

    /// The gradient of a scalar function of a parameter tree, as a tree of the same shape.
    let grad (f: Params -> Tensor) (p: Params) : Params = snd (valueAndGrad f p)

    /// The tree as a state dict (dotted names in order), ready for `Checkpoint.save`; a PyTorch model with the
    /// same layout loads it with `load_state_dict`.
    let toStateDict (p: Params) : StateDict =
        StateDict(flatten p |> Seq.map (fun (n, t) -> Collections.Generic.KeyValuePair(n, t.Detach())))

    /// A tree shaped like `template` with its leaves read from a state dict by dotted name; every name and
    /// shape is checked before anything is built (PyTorch's strict `load_state_dict` rules and messages).
    let ofStateDict (template: Params) (stateDict: Collections.Generic.IReadOnlyDictionary<string, Tensor>) : Params =
        if isNull stateDict then nullArg "stateDict"
        let names = flatten template
        let missing = names |> Array.choose (fun (n, _) -> if stateDict.ContainsKey n then None else Some n)
        let known = Collections.Generic.HashSet(names |> Array.map fst)
        let unexpected = stateDict.Keys |> Seq.filter (known.Contains >> not) |> Array.ofSeq
        let quote (ns: string[]) = String.Join(", ", ns |> Array.map (sprintf "\"%s\""))
        let problems = ResizeArray<string>()
        if missing.Length > 0 then problems.Add(sprintf "Missing key(s) in state_dict: %s. " (quote missing))
        if unexpected.Length > 0 then problems.Add(sprintf "Unexpected key(s) in state_dict: %s. " (quote unexpected))
        for (n, t) in names do
            match stateDict.TryGetValue n with
            | true, s when not (Shape.equal s.Shape t.Shape) ->
                problems.Add(sprintf "size mismatch for %s: copying a param with shape %O from checkpoint, the shape in current model is %O." n s.Size t.Size)
            | _ -> ()
        if problems.Count > 0 then
            invalidArg "stateDict" ("Error(s) in loading state_dict for Params:\n\t" + String.Join("\n\t", problems))
        withLeaves template (names |> Array.map (fun (n, t) ->
            let s = stateDict.[n]
            if s.Dtype = t.Dtype then s.Detach() else s.Detach().Cast t.Dtype))
