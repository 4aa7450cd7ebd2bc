import StackJSON
import Testing

/// The value type: numeric equality, consistent hashing, order-free object equality, accessors.
@Suite struct JSONValueTests {
    @Test func numbersCompareNumerically() {
        #expect(JSON.int(1) == JSON.double(1.0))
        #expect(JSONNumber.int(0) == JSONNumber.double(-0.0))
        #expect(JSONNumber.int(1) != JSONNumber.double(1.5))
        // Exact: 2^53 + 1 is not equal to the double 2^53 it would round to.
        #expect(JSONNumber.int(9_007_199_254_740_993) != JSONNumber.double(9_007_199_254_740_992.0))
        #expect(JSONNumber.int(9_007_199_254_740_992) == JSONNumber.double(9_007_199_254_740_992.0))
        #expect(JSONNumber.int(.max) != JSONNumber.double(9_223_372_036_854_775_808.0))
    }

    @Test func equalValuesHashEqually() {
        let pairs: [(JSON, JSON)] = [
            (.int(1), .double(1.0)),
            (.int(0), .double(-0.0)),
            (.int(-7), .double(-7.0)),
            ([1, 2.0], [1.0, 2]),
            (["a": 1, "b": [true]], ["b": [true], "a": 1.0]),
        ]
        for (a, b) in pairs {
            #expect(a == b)
            #expect(a.hashValue == b.hashValue, "\(a) and \(b)")
        }
        let set: Set<JSON> = [.int(1), .double(1.0), .double(1.5), ["x": 1], ["x": 1.0]]
        #expect(set.count == 3)
    }

    @Test func numberOrderIsExact() {
        #expect(JSONNumber.int(1) < JSONNumber.double(1.5))
        #expect(JSONNumber.double(-0.5) < JSONNumber.int(0))
        #expect(JSONNumber.int(9_007_199_254_740_993) > JSONNumber.double(9_007_199_254_740_992.0))
        #expect(JSONNumber.int(.max) < JSONNumber.double(1e19))
        #expect(JSONNumber.double(-1e19) < JSONNumber.int(.min))
        #expect(!(JSONNumber.int(3) < JSONNumber.double(3.0)))
    }

    @Test func numberAccessors() {
        #expect(JSONNumber.double(3.0).int64Value == 3)
        #expect(JSONNumber.double(3.5).int64Value == nil)
        #expect(JSONNumber.double(1e19).int64Value == nil)
        #expect(JSONNumber.double(4.0).isIntegral)
        #expect(!JSONNumber.double(4.5).isIntegral)
        #expect(JSONNumber(UInt64.max) == .double(1.8446744073709552e19))
        #expect(JSONNumber(Int8(-3)) == .int(-3))
        #expect(JSON.double(2.0).typeName == "integer")
        #expect(JSON.double(2.5).typeName == "number")
    }

    @Test func objectsCompareWithoutOrder() {
        let a: JSON = ["x": 1, "y": [1, 2]]
        let b: JSON = ["y": [1, 2], "x": 1]
        #expect(a == b)
        #expect(a != ["x": 1])
        #expect(a != ["x": 1, "y": [2, 1]])
        #expect(a != ["x": 1, "z": [1, 2]])
        #expect(JSON.array([]) != JSON.object([:]))
        #expect(JSON.null != JSON.bool(false))
        #expect(JSON.string("1") != JSON.int(1))
    }

    @Test func accessorsAndSubscripts() {
        var value: JSON = ["title": "Milk", "done": false, "n": 3, "tags": ["a", "b"], "none": nil]
        #expect(value["title"]?.stringValue == "Milk")
        #expect(value["done"]?.boolValue == false)
        #expect(value["n"]?.int64Value == 3)
        #expect(value["n"]?.doubleValue == 3)
        #expect(value["tags"]?[1] == "b")
        #expect(value["tags"]?[2] == nil)
        #expect(value["none"]?.isNull == true)
        #expect(value["missing"] == nil)
        #expect(value["title"]?.numberValue == nil)
        #expect(JSON.string("x")["key"] == nil)
        value["title"] = "Eggs"
        value["added"] = 1
        value["done"] = nil
        #expect(value.objectValue?.keys == ["title", "n", "tags", "none", "added"])
        #expect(value["title"] == "Eggs")
        var notObject: JSON = [1]
        notObject["a"] = 1
        #expect(notObject == [1])
    }

    @Test func objectMutationKeepsOrderAndIndex() {
        var object = JSONObject()
        for i in 0..<60 { object["k\(i)"] = .int(i) }  // past the hashed-lookup threshold
        object["k10"] = "ten"
        object["k20"] = nil
        #expect(object.count == 59)
        #expect(object.keys[10] == "k10")
        #expect(object["k10"] == "ten")
        #expect(object["k20"] == nil)
        #expect(object.keys[20] == "k21")
        #expect(object["k59"] == 59)
        #expect(object.position(of: "k59") == 58)
        for i in 0..<55 where i != 20 { object["k\(i)"] = nil }
        #expect(object.keys == ["k55", "k56", "k57", "k58", "k59"])
        #expect(object["k57"] == 57)
        let fromPairs = JSONObject([("a", 1), ("b", 2), ("a", 3)])
        #expect(fromPairs.keys == ["a", "b"])
        #expect(fromPairs["a"] == 3)
        #expect(fromPairs.sortedMembers.map(\.key) == ["a", "b"])
    }

    @Test func descriptionIsCompactJSON() {
        let value: JSON = ["a": [1, 2.5, "x", nil, true]]
        #expect(value.description == #"{"a":[1,2.5,"x",null,true]}"#)
        #expect(JSONNumber.double(0.1).description == "0.1")
        #expect(JSONNumber.int(-42).description == "-42")
    }
}
