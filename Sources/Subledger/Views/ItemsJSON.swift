/// Items as `GET /v1/items` shows them: each item's setup with the field names of its `item.defined`
/// event (as `events --json` gives its `data`).
public enum ItemsJSON {
    /// `{"items": [...]}`, by id.
    public static func document(_ items: [ItemSetup]) -> JSONValue {
        ["items": .array(items.sorted { $0.id < $1.id }.map(item))]
    }

    public static func item(_ setup: ItemSetup) -> JSONValue {
        EventRendering.json(.itemDefined(setup))
    }

    /// One item: its setup, on-hand per cost pool (as `onhand --item` shows it) and the total value.
    public static func detail(_ setup: ItemSetup, onHand: [OnHandRow]) -> JSONValue {
        [
            "item": item(setup), "onhand": OnHandJSON.rows(onHand),
            "total_value": JSONFields.number(onHand.total(\.pool.value)),
        ]
    }
}
