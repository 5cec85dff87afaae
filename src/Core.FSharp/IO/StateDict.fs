namespace Fluxion

open System
open System.Collections
open System.Collections.Generic

/// PyTorch's state dict: tensors by dotted name in insertion order (`OrderedDict[str, Tensor]`).
[<Sealed; AllowNullLiteral>]
type StateDict() =
    let keys = List<string>()
    let map = Dictionary<string, Tensor>(StringComparer.Ordinal)

    /// A state dict holding the given entries in order.
    new(entries: IEnumerable<KeyValuePair<string, Tensor>>) as this =
        StateDict()
        then
            if isNull entries then nullArg "entries"
            for kv in entries do this.Add(kv.Key, kv.Value)

    /// PyTorch's `copy.deepcopy(model.state_dict())`: the same keys in order, each tensor with its own storage.
    member _.DeepCopy() : StateDict =
        let c = StateDict()
        for k in keys do c.Add(k, Tensor.OfRaw(map.[k].Detach().Raw.Clone()))
        c

    /// Adds an entry at the end; the key must be new.
    member _.Add(key: string, value: Tensor) =
        if isNull key then nullArg "key"
        if isNull (box value) then nullArg "value"
        if map.ContainsKey key then invalidArg "key" (sprintf "StateDict.Add: key '%s' is already present" key)
        keys.Add key
        map.[key] <- value

    /// The tensor under a key; setting a new key appends it, setting an existing one keeps its position.
    member _.Item
        with get (key: string) : Tensor =
            match map.TryGetValue key with
            | true, t -> t
            | _ -> raise (KeyNotFoundException(sprintf "StateDict: no entry '%s'" key))
        and set (key: string) (value: Tensor) =
            if isNull key then nullArg "key"
            if isNull (box value) then nullArg "value"
            if not (map.ContainsKey key) then keys.Add key
            map.[key] <- value

    /// The keys in insertion order.
    member _.Keys: IReadOnlyList<string> = keys :> IReadOnlyList<string>
    /// The tensors in key order.
    member _.Values: IReadOnlyList<Tensor> = [| for k in keys -> map.[k] |] :> IReadOnlyList<Tensor>
    /// The number of entries.
    member _.Count = keys.Count
    /// True when the key is present.
    member _.ContainsKey(key: string) = map.ContainsKey key
    /// The tensor under a key, if present.
    member _.TryGetValue(key: string, [<Runtime.InteropServices.Out>] value: byref<Tensor>) = map.TryGetValue(key, &value)
    /// Removes an entry; false when the key is absent.
    member _.Remove(key: string) = map.Remove key && keys.Remove key

    member private _.Pairs() : seq<KeyValuePair<string, Tensor>> = seq { for k in keys -> KeyValuePair(k, map.[k]) }

    /// PyTorch 1.13's repr: `OrderedDict([('0.weight', tensor(...)), ...])`.
    override this.ToString() =
        let items = [| for k in keys -> sprintf "('%s', %s)" k (map.[k].ToString()) |]
        if items.Length = 0 then "OrderedDict()" else "OrderedDict([" + String.Join(", ", items) + "])"

    interface IReadOnlyDictionary<string, Tensor> with
        member this.Item with get key = this.[key]
        member this.Keys = keys :> seq<string>
        member this.Values = this.Values :> seq<Tensor>
        member this.ContainsKey key = map.ContainsKey key
        member this.TryGetValue(key, value) = map.TryGetValue(key, &value)
        member this.Count = keys.Count
        member this.GetEnumerator() : IEnumerator<KeyValuePair<string, Tensor>> = this.Pairs().GetEnumerator()
        member this.GetEnumerator() : IEnumerator = (this.Pairs() :> IEnumerable).GetEnumerator()
